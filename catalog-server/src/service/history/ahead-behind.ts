import type { CommitLinks, VersionStore } from '../../store/types.ts';
import { NewestFirst } from './newest-first.ts';

/**
 * Commits the store reads in one round trip, at least, when the walk reaches one it does not hold (see `load`): a
 * compare of a few commits reads one small page per side, not the store's largest.
 */
const MIN_READ_AHEAD = 64;

const FROM_A = 1;
const FROM_B = 2;
const BOTH = FROM_A | FROM_B;

export interface AheadBehind {
  /** Commits reachable from `a` but not from `b`. */
  ahead: number;
  /** Commits reachable from `b` but not from `a`. */
  behind: number;
  /** True when the walk stopped at `limit` commits: the counts are lower bounds. */
  truncated: boolean;
  /** The newest common ancestor (a best merge base); null when there is none or the walk stopped before it. */
  mergeBase: string | null;
}

/**
 * How far `a` is ahead of and behind `b`, as `git rev-list --left-right --count a...b` counts. Walks both histories
 * newest first and stops once every open line is shared, so the work is proportional to the commits since the fork
 * (and at most `limit`, so a branch forked 100,000 commits ago costs no more than `limit` steps). It reads only what
 * a walk needs of each commit (`commitLinks`), and a commit the store does not hold together with the ancestors the
 * walk goes on to, so on PostgreSQL a walk over 10,000 commits costs a few dozen queries, not 10,000. `a` and `b` are
 * full hashes.
 *
 * @example await aheadBehind(store, featureHead, mainHead) // { ahead: 2, behind: 5, truncated: false }
 */
export async function aheadBehind(store: VersionStore, a: string, b: string, limit = 10_000): Promise<AheadBehind> {
  const result: AheadBehind = { ahead: 0, behind: 0, truncated: false, mergeBase: null };
  if (a === b) return { ...result, mergeBase: a };
  const flags = new Map<string, number>([
    [a, FROM_A],
    [b, FROM_B],
  ]);
  let loaded = 0;
  // Read ahead as many commits as the walk loaded so far: pages double up to the store's page size, so the reads
  // stay within twice what the walk visits (and `limit`), whether it stops after five commits or goes 10,000 deep.
  const load = async (hash: string): Promise<CommitLinks & { hash: string }> => {
    const wanted = Math.max(1, Math.min(Math.max(MIN_READ_AHEAD, loaded), limit));
    loaded++;
    return { hash, ...(await store.commitLinks(hash, { floor: -1, wanted })) };
  };
  const queue = new NewestFirst<CommitLinks & { hash: string }>();
  queue.push(await load(a));
  queue.push(await load(b));
  // Queued commits not yet known to be reachable from both sides; the walk ends when none is left.
  let unshared = 2;
  let visited = 0;
  while (queue.size > 0 && unshared > 0) {
    if (++visited > limit) {
      result.truncated = true;
      break;
    }
    const c = queue.pop()!;
    // Children are all visited before their parents, so a commit's flags are final when it is popped.
    const f = flags.get(c.hash)!;
    if (f !== BOTH) unshared--;
    if (f === FROM_A) result.ahead++;
    else if (f === FROM_B) result.behind++;
    else result.mergeBase ??= c.hash;
    for (const p of c.parentHashes) {
      const pf = flags.get(p) ?? 0;
      if ((pf | f) === pf) continue;
      flags.set(p, pf | f);
      if (queue.has(p)) {
        if ((pf | f) === BOTH) unshared--;
      } else {
        queue.push(await load(p));
        if ((pf | f) !== BOTH) unshared++;
      }
    }
  }
  // Every open line is shared: the newest of them is the newest common ancestor, unless one was already visited.
  if (!result.truncated && result.mergeBase === null) result.mergeBase = queue.pop()?.hash ?? null;
  return result;
}

/**
 * {@link aheadBehind} between two references (any `{ref}` spelling the store resolves), with the hashes compared.
 *
 * @example await compareRefs(store, 'feature', 'main') // { fromHash, toHash, ahead: 2, behind: 5, ... }
 */
export async function compareRefs(
  store: VersionStore,
  from: string,
  to: string,
  limit?: number,
): Promise<AheadBehind & { fromHash: string; toHash: string }> {
  const [a, b] = await Promise.all([store.resolve(from), store.resolve(to)]);
  return { fromHash: a.hash, toHash: b.hash, ...(await aheadBehind(store, a.hash, b.hash, limit)) };
}
