import BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement, Transaction } from 'better-sqlite3';
import type {
  AncestorNode,
  CommitRecord,
  JournaledFile,
  Persistence,
  RefRecord,
  ReflogRecord,
  WriteBatch,
} from '../core/persistence.ts';
import {
  fromAncestorRow,
  fromCommitRow,
  fromLogRow,
  toCommitRow,
  type AncestorRow,
  type CommitRow,
  type LogRow,
} from '../sql-rows.ts';
import type { ReferenceType, ReflogEntry, WriteStats } from '../types.ts';
import { GroupCommit, type Outcome } from './group-commit.ts';
import { migrate } from './migrate.ts';
import { WalCheckpointer } from './wal-checkpointer.ts';
import { UnsyncedRefs } from './unsynced-refs.ts';
import { WalSync } from './wal-sync.ts';

/**
 * The store's persistence on SQLite (better-sqlite3, WAL, synchronous=FULL). A write batch ends with the ref
 * compare-and-swap, so a crash at any point leaves the last acknowledged state and several processes sharing the file
 * serialize their writes. Batches that arrive together are group-committed (group-commit.ts): one IMMEDIATE
 * transaction and one fsync for all of them, and every `write` answers only once the shared transaction is durable. A
 * batch checks its compare-and-swap before it writes, so a lost one writes nothing; a batch that fails otherwise
 * sends the group again with a savepoint per batch, which rolls back that batch alone.
 *
 * On disk that fsync runs on libuv's thread pool (wal-sync.ts): the shared transaction commits with
 * synchronous=NORMAL, the event loop goes on (the next group is planned and written meanwhile), and the group's
 * writes are answered when the fsync of the WAL returns. Until then no ref read of this store shows them: `getRef`
 * shows the refs they changed as they were last durable (unsynced-refs.ts), listings and the reflog wait (`durable`);
 * only the store's planner plans on them, as on any write in flight. Every other transaction on the connection
 * (companions, file-journal cleanup) keeps synchronous=FULL.
 *
 * @example const persist = await SqlitePersistence.open('.rat/catalog.db')
 */
export class SqlitePersistence implements Persistence {
  /** One connection and a FIFO queue (group-commit.ts): writes apply in the order they were handed over. */
  readonly appliesWritesInOrder = true;
  /** Journaled files ride in the write's transaction (migration 106). */
  readonly journalsFiles = true;
  private readonly stmt: Record<string, Statement>;
  private readonly writeTx: Transaction<(batch: WriteBatch) => boolean>;
  private readonly putTx: Transaction<(objects: Pick<WriteBatch, 'nodes' | 'commits'>) => void>;
  private readonly importLogTx: Transaction<(lines: ReflogRecord[]) => void>;
  private readonly forgetTx: Transaction<(locations: string[]) => void>;
  /** Queues write batches and writes each group in one transaction; `group.stats` counts the grouping achieved. */
  readonly group: GroupCommit<WriteBatch, boolean>;
  /** Ref changes committed and not yet durable, where the WAL is fsynced off the event loop. */
  private unsynced: UnsyncedRefs | undefined;

  private constructor(
    readonly db: Database,
    opts: SqliteOptions,
    private readonly checkpointer?: WalCheckpointer,
    private readonly wal?: WalSync,
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.stmt = {
      getCommit: p('SELECT * FROM commits WHERE hash = ?'),
      getCommits: p('SELECT * FROM commits WHERE hash IN (SELECT value FROM json_each(?))'),
      commitsByPrefix: p('SELECT hash FROM commits WHERE hash >= ? AND hash < ? ORDER BY hash LIMIT ?'),
      firstParents: p(`WITH RECURSIVE chain(hash, n) AS (
          SELECT hash, 0 FROM commits WHERE hash = ?
          UNION ALL
          SELECT c.parent, chain.n + 1 FROM chain JOIN commits c ON c.hash = chain.hash
          WHERE c.parent IS NOT NULL AND chain.n + 1 < ?
        )
        SELECT commits.* FROM chain JOIN commits ON commits.hash = chain.hash ORDER BY chain.n`),
      // Both parents of every commit above the floor reached, each commit once (UNION), nearest first; the LIMIT
      // bounds the walk.
      ancestorNodes: p(`WITH RECURSIVE anc(hash) AS (
          SELECT @hash
          UNION
          SELECT CASE side.i WHEN 0 THEN c.parent ELSE c.merge_parent END
          FROM anc JOIN commits c ON c.hash = anc.hash JOIN (SELECT 0 AS i UNION ALL SELECT 1) side
          WHERE (CASE side.i WHEN 0 THEN c.parent ELSE c.merge_parent END) IS NOT NULL AND c.generation > @floor
          LIMIT @limit
        )
        SELECT c.hash, c.parent, c.merge_parent, c.generation, c.commit_time FROM anc JOIN commits c ON c.hash = anc.hash
        ORDER BY c.generation DESC, c.hash`),
      insertCommit: p(`INSERT OR IGNORE INTO commits (hash, parent, merge_parent, tree, generation, author, committer,
        message, author_time, commit_time, commit_ms, properties, operations)
        VALUES (@hash, @parent, @merge_parent, @tree, @generation, @author, @committer, @message, @author_time,
        @commit_time, @commit_ms, @properties, @operations)`),
      getRef: p('SELECT name, type, head FROM refs WHERE name = ?'),
      listRefs: p('SELECT name, type, head FROM refs ORDER BY name'),
      listRefsAfter: p('SELECT name, type, head FROM refs WHERE (type, name) > (?, ?) ORDER BY type, name LIMIT ?'),
      insertRef: p('INSERT OR IGNORE INTO refs (name, type, head) VALUES (?, ?, ?)'),
      casRef: p('UPDATE refs SET head = ? WHERE name = ? AND head = ?'),
      deleteRef: p('DELETE FROM refs WHERE name = ? AND head = ?'),
      insertLog: p(`INSERT INTO ref_log (ref_name, ref_type, previous_hash, new_hash, operation, at)
        VALUES (?, ?, ?, ?, ?, ?)`),
      reflogAll: p('SELECT * FROM ref_log WHERE id < ? ORDER BY id DESC LIMIT ?'),
      reflogRef: p('SELECT * FROM ref_log WHERE ref_name = ? AND id < ? ORDER BY id DESC LIMIT ?'),
      scanReflog: p('SELECT * FROM ref_log WHERE id > ? ORDER BY id LIMIT ?'),
      clearReflog: p('DELETE FROM ref_log'),
      importLog: p(`INSERT INTO ref_log (id, ref_name, ref_type, previous_hash, new_hash, operation, at)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      getNode: p('SELECT body FROM tree_nodes WHERE id = ?'),
      getNodes: p('SELECT id, body FROM tree_nodes WHERE id IN (SELECT value FROM json_each(?))'),
      putNode: p('INSERT OR IGNORE INTO tree_nodes (id, body) VALUES (?, ?)'),
      scanCommits: p('SELECT * FROM commits WHERE (generation, hash) > (?, ?) ORDER BY generation, hash LIMIT ?'),
      scanNodes: p('SELECT id, body FROM tree_nodes WHERE id > ? ORDER BY id LIMIT ?'),
      journalFile: p('INSERT OR REPLACE INTO file_journal (location, body) VALUES (?, ?)'),
      pendingFiles: p('SELECT location, body FROM file_journal WHERE location > ? ORDER BY location LIMIT ?'),
      forgetFile: p('DELETE FROM file_journal WHERE location = ?'),
    };
    this.forgetTx = db.transaction((locations: string[]) => {
      for (const l of locations) this.stmt.forgetFile.run(l);
    });
    this.putTx = db.transaction((objects: Pick<WriteBatch, 'nodes' | 'commits'>) => {
      for (const n of objects.nodes) this.stmt.putNode.run(n.id, n.body);
      for (const c of objects.commits) this.stmt.insertCommit.run(toCommitRow(c));
    });
    this.importLogTx = db.transaction((lines: ReflogRecord[]) => {
      // AUTOINCREMENT moves past the largest id inserted, so later lines sort after these.
      for (const l of lines) {
        this.stmt.importLog.run(l.id, l.refName, l.refType, l.previousHash, l.newHash, l.operation, l.at);
      }
    });
    // One batch's statements. It checks its compare-and-swap before inserting anything, so a lost one writes nothing,
    // and a batch planned on a head that is no longer (or never became) the ref's cannot trip the parent foreign key
    // when that head was a write rolled back in the same group.
    const applyBatch = (batch: WriteBatch): boolean => {
      const ref = batch.ref;
      const head = this.headOf(ref.name);
      if (ref.kind === 'create' ? head !== undefined : head !== ref.from) return false;
      for (const n of batch.nodes) this.stmt.putNode.run(n.id, n.body);
      for (const c of batch.commits) this.stmt.insertCommit.run(toCommitRow(c));
      for (const f of batch.files ?? []) this.stmt.journalFile.run(f.location, f.bytes);
      let changes: number;
      let previous: string | null = null;
      let next: string | null = null;
      let operation: ReflogEntry['operation'];
      if (ref.kind === 'create') {
        changes = this.stmt.insertRef.run(ref.name, ref.type, ref.head).changes;
        [next, operation] = [ref.head, 'CREATE'];
      } else if (ref.kind === 'move') {
        changes = this.stmt.casRef.run(ref.to, ref.name, ref.from).changes;
        [previous, next, operation] = [ref.from, ref.to, ref.operation];
      } else {
        changes = this.stmt.deleteRef.run(ref.name, ref.from).changes;
        [previous, operation] = [ref.from, 'DELETE'];
      }
      // Checked above, in this transaction: a ref that did not move now is a broken invariant, not a lost race.
      if (changes !== 1) throw new Error(`ref ${ref.name} did not move after its compare-and-swap held`);
      this.stmt.insertLog.run(ref.name, ref.type, previous, next, operation, batch.at);
      const record = (h: string | null) => (h === null ? null : { name: ref.name, type: ref.type, head: h });
      this.unsynced?.changed(ref.name, record(previous), record(next));
      return true;
    };
    // In its own savepoint (a nested transaction): a batch that throws is undone alone.
    this.writeTx = db.transaction(applyBatch);
    const applyOne = (batch: WriteBatch): boolean => this.writeTx(batch);
    const shared = db.transaction((items: WriteBatch[], each: (b: WriteBatch) => Outcome<boolean>) => {
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
    // The usual group: every batch's statements straight in the shared transaction, without a savepoint each (two
    // statements a batch less). A batch that throws rolls the whole transaction back, and the group is written again
    // batch by batch in savepoints (`shared`), where that batch fails alone.
    let batchFailed = false;
    const sharedFast = db.transaction((items: WriteBatch[]): Array<Outcome<boolean>> => {
      batchFailed = false;
      return items.map((item) => {
        try {
          return { ok: true, value: applyBatch(item) };
        } catch (error) {
          batchFailed = true;
          throw error;
        }
      });
    });
    const writeGroup = (items: WriteBatch[], each: (b: WriteBatch) => Outcome<boolean>) => {
      try {
        return sharedFast.immediate(items);
      } catch (error) {
        if (!batchFailed) throw error;
        this.unsynced?.begin();
        return shared.immediate(items, each);
      }
    };
    const grouped = opts.groupCommit ?? true;
    if (grouped && wal) {
      const unsynced = (this.unsynced = new UnsyncedRefs());
      // NORMAL for a group's transaction only: its frames are written, in order, without an fsync; `wal.sync()`
      // (before anything is answered) makes them durable. A lone write while no fsync runs keeps FULL (fsync in
      // COMMIT): there is nothing to overlap its fsync with, and the thread pool's round trip would only add to its
      // latency (one writer: 4–8% fewer commits/s measured that way, interleaved with the build before).
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
      this.group = new GroupCommit(runShared, applyOne, true, durable);
    } else {
      this.group = new GroupCommit(writeGroup, applyOne, grouped);
    }
  }

  /** Opens (and migrates) the database at `file`, or an in-memory one for `':memory:'`. */
  static async open(file: string, opts: SqliteOptions = {}): Promise<SqlitePersistence> {
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    // FULL: an acknowledged commit survives power loss, not only a process crash.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 10000');
    migrate(db, opts.onMigration);
    const onDisk = file !== ':memory:' && file !== '';
    return new SqlitePersistence(
      db,
      opts,
      WalCheckpointer.start(db, file, opts.onCheckpointError),
      onDisk ? new WalSync(`${file}-wal`) : undefined,
    );
  }

  async getCommit(hash: string): Promise<CommitRecord | undefined> {
    const row = this.stmt.getCommit.get(hash) as CommitRow | undefined;
    return row ? fromCommitRow(row) : undefined;
  }

  async getCommits(hashes: readonly string[]): Promise<CommitRecord[]> {
    return (this.stmt.getCommits.all(JSON.stringify(hashes)) as CommitRow[]).map(fromCommitRow);
  }

  async firstParents(hash: string, limit: number): Promise<CommitRecord[]> {
    return (this.stmt.firstParents.all(hash, limit) as CommitRow[]).map(fromCommitRow);
  }

  async ancestorNodes(hash: string, limit: number, floor = -1): Promise<AncestorNode[]> {
    return (this.stmt.ancestorNodes.all({ hash, limit, floor }) as AncestorRow[]).map(fromAncestorRow);
  }

  async commitsByPrefix(prefix: string, limit: number): Promise<string[]> {
    return (this.stmt.commitsByPrefix.all(prefix, `${prefix}g`, limit) as Array<{ hash: string }>).map((r) => r.hash);
  }

  async getNode(id: string): Promise<string | undefined> {
    return (this.stmt.getNode.get(id) as { body: string } | undefined)?.body;
  }

  async getNodes(ids: readonly string[]): Promise<Map<string, string>> {
    const rows = this.stmt.getNodes.all(JSON.stringify(ids)) as Array<{ id: string; body: string }>;
    return new Map(rows.map((r) => [r.id, r.body]));
  }

  private headOf(name: string): string | undefined {
    return (this.stmt.getRef.get(name) as RefRecord | undefined)?.head;
  }

  /** Never waits: a ref changed by a transaction still being fsynced is shown as the last durable one left it. */
  async getRef(name: string): Promise<RefRecord | undefined> {
    const shown = this.unsynced?.shown(name);
    if (shown !== undefined) return shown ?? undefined;
    return this.stmt.getRef.get(name) as RefRecord | undefined;
  }

  async listRefs(): Promise<RefRecord[]> {
    await this.durable();
    return this.stmt.listRefs.all() as RefRecord[];
  }

  async listRefsAfter(after: { type: ReferenceType; name: string } | undefined, limit: number): Promise<RefRecord[]> {
    await this.durable();
    return this.stmt.listRefsAfter.all(after?.type ?? '', after?.name ?? '', limit) as RefRecord[];
  }

  async reflog(opts: { refName?: string; beforeId: number; limit: number }): Promise<ReflogRecord[]> {
    await this.durable();
    const rows = (
      opts.refName
        ? this.stmt.reflogRef.all(opts.refName, opts.beforeId, opts.limit)
        : this.stmt.reflogAll.all(opts.beforeId, opts.limit)
    ) as LogRow[];
    return rows.map(fromLogRow);
  }

  async scanReflog(afterId: number, limit: number): Promise<ReflogRecord[]> {
    await this.durable();
    return (this.stmt.scanReflog.all(afterId, limit) as LogRow[]).map(fromLogRow);
  }

  async clearReflog(): Promise<void> {
    this.stmt.clearReflog.run();
  }

  async importReflog(lines: ReflogRecord[]): Promise<void> {
    this.importLogTx.immediate(lines);
  }

  async scanCommits(after: { generation: number; hash: string } | undefined, limit: number): Promise<CommitRecord[]> {
    const rows = this.stmt.scanCommits.all(after?.generation ?? -1, after?.hash ?? '', limit) as CommitRow[];
    return rows.map(fromCommitRow);
  }

  async scanNodes(afterId: string, limit: number): Promise<Array<{ id: string; body: string }>> {
    return this.stmt.scanNodes.all(afterId, limit) as Array<{ id: string; body: string }>;
  }

  async putObjects(objects: Pick<WriteBatch, 'nodes' | 'commits'>): Promise<void> {
    this.putTx.immediate(objects);
  }

  async pendingFiles(limit: number, after = ''): Promise<JournaledFile[]> {
    const rows = this.stmt.pendingFiles.all(after, limit) as Array<{ location: string; body: Buffer | string }>;
    // Bodies are stored as written, a blob; a database journaled by an earlier version holds them as text.
    return rows.map((r) => ({
      location: r.location,
      bytes: typeof r.body === 'string' ? Buffer.from(r.body) : r.body,
    }));
  }

  async forgetFiles(locations: string[]): Promise<void> {
    if (locations.length > 0) this.forgetTx.immediate(locations);
  }

  async write(batch: WriteBatch): Promise<boolean> {
    const landed = await this.group.submit(batch);
    if (landed) this.checkpointer?.wrote(approximateBytes(batch));
    return landed;
  }

  /** Shared transactions and the WAL fsyncs run off the event loop so far (see `WriteStats`). */
  get writeStats(): WriteStats {
    const { transactions, items, seconds } = this.group.stats;
    return this.wal
      ? { transactions, items, seconds, walFsyncs: this.wal.stats.fsyncs, walFsyncSeconds: this.wal.stats.seconds }
      : { transactions, items, seconds };
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    // Writes queued for the current turn still land (and their callers get their answer) before the file closes.
    this.group.flush();
    await this.wal?.pending()?.catch(() => undefined);
    await this.checkpointer?.stop();
    this.db.close();
    await this.wal?.close();
  }

  /**
   * Listings and the reflog wait for the fsync of what is committed but not yet durable, so that no reader is shown a
   * ref that a power loss could still take back (the store's planner sees writes in flight through its own
   * bookkeeping). A single ref is read without waiting (`getRef`).
   */
  private async durable(): Promise<void> {
    const pending = this.wal?.pending();
    if (pending) await pending;
  }
}

export interface SqliteOptions {
  /** Share one transaction among writes that arrive together (default true); false: one transaction per write. */
  groupCommit?: boolean;
  /**
   * Told when a background WAL checkpoint fails (a failing disk, most likely): the server logs it. Nothing is lost
   * (the WAL keeps every commit) and the serving connection checkpoints by itself past the backstop.
   */
  onCheckpointError?: (message: string) => void;
  /** Told before each schema migration runs on this file (the server logs it). */
  onMigration?: (name: string) => void;
}

/** Roughly what a batch adds to the WAL (trie nodes and journaled files dominate; a commit row is about 1 KB). */
function approximateBytes(batch: WriteBatch): number {
  let bytes = 1024 * batch.commits.length;
  for (const n of batch.nodes) bytes += n.body.length;
  for (const f of batch.files ?? []) bytes += f.bytes.length;
  return bytes;
}
