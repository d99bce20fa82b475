import { ReferenceConflictError } from '../../errors/index.ts';

/** How often a commit is recomputed when another writer moved the same keys in between. */
export const MAX_COMMIT_ATTEMPTS = 25;

/**
 * Runs a read → check → apply → write → commit cycle, and runs it again from a fresh read when the store reports that
 * a key it touches changed since the head it read (ReferenceConflictError). Requirements are therefore checked
 * against the table as it is when the commit lands: concurrent writers whose requirements still hold all land, and
 * only a requirement that fails on fresh state answers 409. Bounded so a pathological hot key cannot spin forever.
 *
 * @example await withCommitRetry(async () => { const head = await writableRef(...); ...; return store.commit(...) })
 */
export async function withCommitRetry<T>(attempt: () => Promise<T>, maxAttempts = MAX_COMMIT_ATTEMPTS): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof ReferenceConflictError) || i >= maxAttempts) throw err;
      // A little jitter keeps two hot writers from colliding in lockstep.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * Math.min(50, 2 * i))));
    }
  }
}
