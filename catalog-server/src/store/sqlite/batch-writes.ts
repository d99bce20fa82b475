import type { Database, Statement } from 'better-sqlite3';
import type { RefRecord, WriteBatch } from '../core/persistence.ts';
import { toCommitRow } from '../sql-rows.ts';
import type { ReflogEntry } from '../types.ts';
import { GroupCommit, type Outcome } from './group-commit.ts';
import { UnsyncedRefs } from './unsynced-refs.ts';
import type { WalSync } from './wal-sync.ts';

/** The prepared statements a write batch runs (sqlite-persistence.ts prepares them with the rest). */
export type BatchStatements = Record<
  | 'getRef'
  | 'hasNode'
  | 'putNode'
  | 'insertCommit'
  | 'journalFile'
  | 'insertRef'
  | 'casRef'
  | 'deleteRef'
  | 'insertLog',
  Statement
>;

/**
 * How the store's write batches become SQLite transactions: the queue that groups them (group-commit.ts), one batch's
 * statements, and, on disk with grouping, the WAL fsync off the event loop with the refs readers are shown meanwhile
 * (`unsynced`).
 *
 * A batch checks its compare-and-swap before it inserts anything, so a lost one writes nothing and answers false,
 * and a batch planned on a head that is no longer (or never became) the ref's cannot trip the parent foreign key when
 * that head was a write rolled back in the same group. So the usual group runs every batch's statements straight in
 * the shared transaction, without a savepoint each; a batch that throws (an error, not a lost race) rolls the whole
 * transaction back, and the group is written again with a savepoint per batch, where that batch fails alone.
 *
 * @example const { group, unsynced } = batchWrites(db, stmt, true, new WalSync(`${file}-wal`))
 */
export function batchWrites(
  db: Database,
  stmt: BatchStatements,
  grouped: boolean,
  wal: WalSync | undefined,
): { group: GroupCommit<WriteBatch, boolean>; unsynced?: UnsyncedRefs } {
  const unsynced = grouped && wal ? new UnsyncedRefs() : undefined;
  const headOf = (name: string) => (stmt.getRef.get(name) as RefRecord | undefined)?.head;

  const applyBatch = (batch: WriteBatch): boolean => {
    const ref = batch.ref;
    const head = headOf(ref.name);
    if (ref.kind === 'create' ? head !== undefined : head !== ref.from) return false;
    for (const n of batch.nodes) {
      // A delta whose base is not stored (it came from a write that failed, or one still in flight on another ref) is
      // stored whole: the check runs in this transaction, before the insert, so a delta row never outlives its base.
      const body = n.base !== undefined && !stmt.hasNode.get(n.base) ? n.whole : n.body;
      stmt.putNode.run(n.id, body);
    }
    for (const c of batch.commits) stmt.insertCommit.run(toCommitRow(c));
    for (const f of batch.files ?? []) stmt.journalFile.run(f.location, f.bytes);
    let changes: number;
    let previous: string | null = null;
    let next: string | null = null;
    let operation: ReflogEntry['operation'];
    if (ref.kind === 'create') {
      changes = stmt.insertRef.run(ref.name, ref.type, ref.head).changes;
      [next, operation] = [ref.head, 'CREATE'];
    } else if (ref.kind === 'move') {
      changes = stmt.casRef.run(ref.to, ref.name, ref.from).changes;
      [previous, next, operation] = [ref.from, ref.to, ref.operation];
    } else {
      changes = stmt.deleteRef.run(ref.name, ref.from).changes;
      [previous, operation] = [ref.from, 'DELETE'];
    }
    // Checked above, in this transaction: a ref that did not move now is a broken invariant, not a lost race.
    if (changes !== 1) throw new Error(`ref ${ref.name} did not move after its compare-and-swap held`);
    stmt.insertLog.run(ref.name, ref.type, previous, next, operation, batch.at);
    const record = (h: string | null) => (h === null ? null : { name: ref.name, type: ref.type, head: h });
    unsynced?.changed(ref.name, record(previous), record(next));
    return true;
  };

  // The fallback: each batch in its own savepoint (a nested transaction), so a batch that throws is undone alone.
  const inSavepoint = db.transaction(applyBatch);
  const applyOne = (batch: WriteBatch): boolean => inSavepoint(batch);
  const withSavepoints = db.transaction((items: WriteBatch[], each: (b: WriteBatch) => Outcome<boolean>) => {
    const outcomes: Array<Outcome<boolean>> = [];
    for (const item of items) {
      const outcome = each(item);
      // Some errors (disk full, I/O) make SQLite roll back the whole transaction, not only the savepoint: then the
      // writes before this one are gone too, so the group fails as a whole rather than answering for them.
      if (!outcome.ok && !db.inTransaction) throw outcome.error;
      outcomes.push(outcome);
    }
    return outcomes;
  });
  // The usual group, without savepoints (two statements a batch less: 242 → 213 µs of CPU per commit with 16
  // writers on one branch, docs/performance-log.md).
  let batchFailed = false;
  const straight = db.transaction((items: WriteBatch[]): Array<Outcome<boolean>> =>
    items.map((item) => {
      try {
        return { ok: true, value: applyBatch(item) };
      } catch (error) {
        batchFailed = true;
        throw error;
      }
    }),
  );
  const writeGroup = (items: WriteBatch[], each: (b: WriteBatch) => Outcome<boolean>) => {
    // Reset here, not inside the transaction: a BEGIN that fails (busy past the timeout) never runs its body.
    batchFailed = false;
    try {
      return straight.immediate(items);
    } catch (error) {
      // Failed before or after the batches ran (busy past the timeout, the COMMIT's I/O): the group fails.
      if (!batchFailed) throw error;
      unsynced?.begin();
      return withSavepoints.immediate(items, each);
    }
  };

  if (!unsynced || !wal) return { group: new GroupCommit(writeGroup, applyOne, grouped) };
  // NORMAL for a group's transaction only: its frames are written, in order, without an fsync; `wal.sync()` (before
  // anything is answered) makes them durable. A lone write while no fsync runs keeps FULL (fsync in COMMIT): there is
  // nothing to overlap its fsync with, and the thread pool's round trip would only add to its latency (one writer:
  // 4–8% fewer commits/s measured that way, interleaved with the build before).
  const normal = db.prepare('PRAGMA synchronous = NORMAL');
  const full = db.prepare('PRAGMA synchronous = FULL');
  let fsynced = false;
  const runShared = (items: WriteBatch[], each: (b: WriteBatch) => Outcome<boolean>) => {
    unsynced.begin();
    fsynced = items.length === 1 && wal.idle();
    if (fsynced) return writeGroup(items, each);
    normal.run();
    try {
      return writeGroup(items, each);
    } finally {
      full.run();
    }
  };
  // Committed: readers are shown the group's ref changes once it is durable, before any write is answered.
  const durable = () => {
    const id = unsynced.seal();
    if (fsynced) {
      unsynced.durable(id);
      return Promise.resolve();
    }
    return wal.sync().then(() => unsynced.durable(id));
  };
  return { group: new GroupCommit(runShared, applyOne, true, durable), unsynced };
}
