import BetterSqlite3 from 'better-sqlite3';
import type { Database, Transaction } from 'better-sqlite3';
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
import type { ReferenceType, WriteStats } from '../types.ts';
import { batchWrites } from './batch-writes.ts';
import type { GroupCommit } from './group-commit.ts';
import { migrate } from './migrate.ts';
import { WalCheckpointer } from './wal-checkpointer.ts';
import type { UnsyncedRefs } from './unsynced-refs.ts';
import { WalSync } from './wal-sync.ts';

/**
 * The store's persistence on SQLite (better-sqlite3, WAL, synchronous=FULL). A write batch ends with the ref
 * compare-and-swap, so a crash at any point leaves the last acknowledged state and several processes sharing the file
 * serialize their writes. Batches that arrive together are group-committed (group-commit.ts, batch-writes.ts): one
 * IMMEDIATE transaction and one fsync for all of them, a lost compare-and-swap or a failed batch undone alone, and
 * every `write` answers only once the shared transaction is durable.
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
  readonly storesNodeDeltas = true;
  private readonly stmt: ReturnType<typeof prepareStatements>;
  private readonly putTx: Transaction<(objects: Pick<WriteBatch, 'nodes' | 'commits'>) => void>;
  private readonly importLogTx: Transaction<(lines: ReflogRecord[]) => void>;
  private readonly forgetTx: Transaction<(locations: string[]) => void>;
  /** Queues write batches and writes each group in one transaction; `group.stats` counts the grouping achieved. */
  readonly group: GroupCommit<WriteBatch, boolean>;
  /** Ref changes committed and not yet durable, where the WAL is fsynced off the event loop. */
  private readonly unsynced: UnsyncedRefs | undefined;

  private constructor(
    readonly db: Database,
    opts: SqliteOptions,
    private readonly checkpointer?: WalCheckpointer,
    private readonly wal?: WalSync,
  ) {
    this.stmt = prepareStatements(db);
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
    const writes = batchWrites(db, this.stmt, opts.groupCommit ?? true, wal);
    this.group = writes.group;
    this.unsynced = writes.unsynced;
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

/** Every statement the persistence runs, prepared once per connection. */
function prepareStatements(db: Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
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
    hasNode: p('SELECT 1 FROM tree_nodes WHERE id = ?'),
    putNode: p('INSERT OR IGNORE INTO tree_nodes (id, body) VALUES (?, ?)'),
    scanCommits: p('SELECT * FROM commits WHERE (generation, hash) > (?, ?) ORDER BY generation, hash LIMIT ?'),
    scanNodes: p('SELECT id, body FROM tree_nodes WHERE id > ? ORDER BY id LIMIT ?'),
    journalFile: p('INSERT OR REPLACE INTO file_journal (location, body) VALUES (?, ?)'),
    pendingFiles: p('SELECT location, body FROM file_journal WHERE location > ? ORDER BY location LIMIT ?'),
    forgetFile: p('DELETE FROM file_journal WHERE location = ?'),
  };
}
