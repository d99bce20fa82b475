import { ReferenceConflictError } from '../../errors/index.ts';
import { KeyedLock } from './keyed-lock.ts';
import type { Draft } from './draft.ts';
import type { ObjectReader } from './objects.ts';
import type { JournaledFile, Persistence, RefUpdate } from './persistence.ts';

/** How often a write re-plans after losing the ref compare-and-swap to another server before it gives up. */
const MAX_CAS_ATTEMPTS = 30;
/**
 * How long commits to a ref are planned one at a time after one lost its compare-and-swap (another server moved the
 * ref). Pipelined commits are planned on each other, so one loss costs the whole chain: in the bench's replicas lane
 * (three servers writing to one branch) pipelining without this fallback lowered commits/s by 10–20%, where one server
 * alone gained 10–18%; falling back for 1 s after a loss still lost 6%, for 10 s nothing measurable.
 */
const CONTENDED_MS = 10_000;

/** What one planned write produces: the caller's answer, and what to persist (nothing for a no-op or dry run). */
export interface Planned<T> {
  value: T;
  write?: { draft: Draft; ref: RefUpdate; files?: JournaledFile[] };
}

/**
 * The store's write loop: every write to a ref is planned under the ref's lock from fresh reads, then persisted in one
 * transaction ending in the ref compare-and-swap, and planned again when another server moved the ref meanwhile.
 * Commits are pipelined (see `landPipelined`).
 *
 * @example await writes.land('main', async () => ({ value: ref, write: { draft, ref: update } }))
 */
export class RefWrites {
  private readonly locks = new KeyedLock();
  /** Per ref, the newest write handed to the persistence and not yet settled (see `landPipelined`). */
  private readonly inFlight = new Map<string, { head: string; written: Promise<boolean> }>();
  /** Per ref, when a commit last lost its compare-and-swap to another server (see `CONTENDED_MS`). */
  private readonly contended = new Map<string, number>();

  constructor(
    private readonly persistence: Persistence,
    private readonly objects: ObjectReader,
  ) {}

  /**
   * Plans a write to `refName` and persists it in one transaction ending in the ref compare-and-swap; plans again
   * from fresh reads when another server moved the ref in between.
   */
  land<T>(refName: string, plan: () => Promise<Planned<T>>): Promise<T> {
    return this.locks.run(refName, async () => {
      // Plans on the acknowledged head only: commits still in flight on this ref land (or fail) first.
      await this.inFlight.get(refName)?.written.catch(() => undefined);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const planned = await plan();
        if (!planned.write) return planned.value;
        const { draft, ref, files } = planned.write;
        const batch = { ...draft.objectsToWrite(), ref, files, at: new Date().toISOString() };
        if (await this.persistence.write(batch)) {
          this.objects.learn(draft);
          return planned.value;
        }
        await backOff(attempt);
      }
      throw keptMoving(refName);
    });
  }

  /**
   * `land` for commits, pipelined where the persistence applies writes in order (both backends): the ref's lock is held
   * while the commit is planned and handed over, not while it becomes durable, and the next commit to the ref plans
   * on top of it (`plan` gets the head of the write in flight). So concurrent commits to one branch — Iceberg writers
   * on `main` — meet in the persistence's queue and share one transaction and fsync. Each is still acknowledged only
   * once durable. Readers never see a write in flight (refs are read from the persistence); only the next planner
   * does, and when a write fails, the ones planned on it fail their compare-and-swap and plan again (through `land`,
   * and for `CONTENDED_MS` every commit to the ref does: another server is writing to it).
   */
  async landPipelined<T>(refName: string, plan: (inFlightHead: string | undefined) => Promise<Planned<T>>): Promise<T> {
    if (!this.persistence.appliesWritesInOrder || this.isContended(refName)) {
      return this.land(refName, () => plan(undefined));
    }
    const handed = await this.locks.run(refName, async () => {
      const planned = await plan(this.inFlight.get(refName)?.head);
      if (!planned.write) return { value: planned.value };
      const { draft, ref, files } = planned.write;
      if (ref.kind !== 'move') throw new Error('Only ref moves are pipelined');
      this.objects.stage(draft);
      const written = this.persistence.write({ ...draft.objectsToWrite(), ref, files, at: new Date().toISOString() });
      const entry = { head: ref.to, written };
      this.inFlight.set(refName, entry);
      const settle = () => {
        if (this.inFlight.get(refName) === entry) this.inFlight.delete(refName);
        this.objects.settle(draft);
      };
      written.then(settle, settle);
      return { value: planned.value, written };
    });
    if (!handed.written || (await handed.written)) return handed.value;
    // Lost to another server (or planned on a write that failed): this commit, and the others planned on it, plan
    // again on the acknowledged head, one at a time for a while.
    this.contended.set(refName, Date.now());
    await backOff(0);
    return this.land(refName, () => plan(undefined));
  }

  private isContended(refName: string): boolean {
    const at = this.contended.get(refName);
    if (at === undefined) return false;
    if (Date.now() - at < CONTENDED_MS) return true;
    this.contended.delete(refName);
    return false;
  }
}

/** After losing a compare-and-swap to another server: wait a little (growing, jittered) so competing writers spread out. */
function backOff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 2 ** attempt)));
}

function keptMoving(refName: string): ReferenceConflictError {
  return new ReferenceConflictError(`"${refName}" kept moving concurrently. Reload it and retry.`, { ref: refName });
}
