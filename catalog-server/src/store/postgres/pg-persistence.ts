import type { Pool, PoolClient } from 'pg';
import type {
  AncestorNode,
  CommitRecord,
  Persistence,
  RefRecord,
  ReflogRecord,
  WriteBatch,
} from '../core/persistence.ts';
import {
  COMMIT_COLUMNS,
  fromAncestorRow,
  fromCommitRow,
  fromLogRow,
  toCommitRow,
  type AncestorRow,
  type CommitRow,
  type LogRow,
} from '../sql-rows.ts';
import type { ReferenceType, ReflogEntry } from '../types.ts';
import { migratePostgres } from './migrations.ts';
import { PgWriteQueue } from './pg-write-queue.ts';
import {
  guardPool,
  isConnectionLoss,
  limitQueryTime,
  PG_CONNECT_TIMEOUT_MS,
  PG_QUERY_TIMEOUT_MS,
} from './pg-unavailable.ts';

/**
 * The store's persistence on PostgreSQL (node-postgres pool). Reads run on any pooled connection at READ COMMITTED;
 * a write batch is one transaction that inserts the new immutable objects and ends with the ref compare-and-swap
 * (`UPDATE refs … WHERE head = <expected>`), so several servers on one database never overwrite each other's
 * commits: the one whose swap finds the ref moved rolls back and plans again. Writes to one ref queue up and share a
 * transaction (pg-write-queue.ts), so commits to one branch are pipelined as on SQLite.
 *
 * @example const persist = await PostgresPersistence.open('postgresql://rat@db/rat', { poolSize: 10 })
 */
export class PostgresPersistence implements Persistence {
  /** Per ref, writes apply in the order they were handed over (pg-write-queue.ts). */
  readonly appliesWritesInOrder = true;
  readonly storesNodeDeltas = true;
  /** Queues write batches per ref and writes each group in one transaction; `writes.stats` counts the grouping. */
  readonly writes: PgWriteQueue;

  private constructor(readonly pool: Pool) {
    this.writes = new PgWriteQueue(pool, (client, batch) => this.writeIn(client, batch));
  }

  /** Connects, then applies the schema migrations (safe when several servers start at once). */
  static async open(
    url: string,
    opts: { poolSize?: number; connectTimeoutMs?: number; queryTimeoutMs?: number } = {},
  ): Promise<PostgresPersistence> {
    // Loaded here, not with the module: a server on SQLite (the package's API re-exports this store) never needs it.
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? PG_CONNECT_TIMEOUT_MS,
    });
    guardPool(pool);
    // An idle connection the server dropped must not crash the process; the next query reconnects.
    pool.on('error', (err) => console.error('[catalog] PostgreSQL connection error:', err.message));
    try {
      await migratePostgres(pool);
    } catch (err) {
      await pool.end();
      throw err;
    }
    limitQueryTime(pool, opts.queryTimeoutMs ?? PG_QUERY_TIMEOUT_MS);
    return new PostgresPersistence(pool);
  }

  async getCommit(hash: string): Promise<CommitRecord | undefined> {
    const { rows } = await this.pool.query<CommitRow>('SELECT * FROM commits WHERE hash = $1', [hash]);
    return rows[0] ? fromCommitRow(rows[0]) : undefined;
  }

  async getCommits(hashes: readonly string[]): Promise<CommitRecord[]> {
    const { rows } = await this.pool.query<CommitRow>('SELECT * FROM commits WHERE hash = ANY($1::text[])', [hashes]);
    return rows.map(fromCommitRow);
  }

  async commitsByPrefix(prefix: string, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ hash: string }>(
      'SELECT hash FROM commits WHERE hash >= $1 AND hash < $2 ORDER BY hash LIMIT $3',
      [prefix, `${prefix}g`, limit],
    );
    return rows.map((r) => r.hash);
  }

  async getNode(id: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ body: string }>('SELECT body FROM tree_nodes WHERE id = $1', [id]);
    return rows[0]?.body;
  }

  async getNodes(ids: readonly string[]): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ id: string; body: string }>(
      'SELECT id, body FROM tree_nodes WHERE id = ANY($1::text[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.body]));
  }

  async getRef(name: string): Promise<RefRecord | undefined> {
    const { rows } = await this.pool.query<RefRecord>('SELECT name, type, head FROM refs WHERE name = $1', [name]);
    return rows[0];
  }

  async listRefs(): Promise<RefRecord[]> {
    return (await this.pool.query<RefRecord>('SELECT name, type, head FROM refs ORDER BY name')).rows;
  }

  async listRefsAfter(after: { type: ReferenceType; name: string } | undefined, limit: number): Promise<RefRecord[]> {
    const { rows } = await this.pool.query<RefRecord>(
      'SELECT name, type, head FROM refs WHERE (type, name) > ($1, $2) ORDER BY type, name LIMIT $3',
      [after?.type ?? '', after?.name ?? '', limit],
    );
    return rows;
  }

  async reflog(opts: { refName?: string; beforeId: number; limit: number }): Promise<ReflogRecord[]> {
    const { rows } = opts.refName
      ? await this.pool.query<LogRow>(
          'SELECT * FROM ref_log WHERE ref_name = $1 AND id < $2 ORDER BY id DESC LIMIT $3',
          [opts.refName, opts.beforeId, opts.limit],
        )
      : await this.pool.query<LogRow>('SELECT * FROM ref_log WHERE id < $1 ORDER BY id DESC LIMIT $2', [
          opts.beforeId,
          opts.limit,
        ]);
    return rows.map(fromLogRow);
  }

  async scanReflog(afterId: number, limit: number): Promise<ReflogRecord[]> {
    const { rows } = await this.pool.query<LogRow>('SELECT * FROM ref_log WHERE id > $1 ORDER BY id LIMIT $2', [
      afterId,
      limit,
    ]);
    return rows.map(fromLogRow);
  }

  async clearReflog(): Promise<void> {
    await this.pool.query('DELETE FROM ref_log');
  }

  async importReflog(lines: ReflogRecord[]): Promise<void> {
    if (lines.length === 0) return;
    const col = <K extends keyof ReflogRecord>(k: K) => lines.map((l) => l[k]);
    await this.inTransaction(async (client) => {
      await client.query(
        `INSERT INTO ref_log (id, ref_name, ref_type, previous_hash, new_hash, operation, at)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
        [col('id'), col('refName'), col('refType'), col('previousHash'), col('newHash'), col('operation'), col('at')],
      );
      // Explicit ids do not move the BIGSERIAL's sequence: move it past them, so later lines sort after these.
      await client.query("SELECT setval(pg_get_serial_sequence('ref_log', 'id'), (SELECT max(id) FROM ref_log), true)");
    });
  }

  async firstParents(hash: string, limit: number): Promise<CommitRecord[]> {
    const { rows } = await this.pool.query<CommitRow>(
      `WITH RECURSIVE chain(hash, n) AS (
        SELECT hash, 0 FROM commits WHERE hash = $1
        UNION ALL
        SELECT c.parent, chain.n + 1 FROM chain JOIN commits c ON c.hash = chain.hash
        WHERE c.parent IS NOT NULL AND chain.n + 1 < $2
      )
      SELECT commits.* FROM chain JOIN commits ON commits.hash = chain.hash ORDER BY chain.n`,
      [hash, limit],
    );
    return rows.map(fromCommitRow);
  }

  async ancestorNodes(hash: string, limit: number, floor = -1): Promise<AncestorNode[]> {
    // Both parents of every commit above the floor reached, each commit once (UNION), nearest first. PostgreSQL
    // computes a recursive query only as far as its reader fetches, so the LIMIT bounds the walk.
    const { rows } = await this.pool.query<AncestorRow>(
      `WITH RECURSIVE anc(hash) AS (
        SELECT $1::text COLLATE "C"
        UNION
        SELECT p.hash FROM anc JOIN commits c ON c.hash = anc.hash
        CROSS JOIN LATERAL (VALUES (c.parent), (c.merge_parent)) AS p(hash)
        WHERE p.hash IS NOT NULL AND c.generation > $3
      ),
      first AS (SELECT hash FROM anc LIMIT $2)
      SELECT c.hash, c.parent, c.merge_parent, c.generation, c.commit_time
      FROM first JOIN commits c ON c.hash = first.hash
      ORDER BY c.generation DESC, c.hash`,
      [hash, limit, floor],
    );
    return rows.map(fromAncestorRow);
  }

  async scanCommits(after: { generation: number; hash: string } | undefined, limit: number): Promise<CommitRecord[]> {
    const { rows } = await this.pool.query<CommitRow>(
      'SELECT * FROM commits WHERE (generation, hash) > ($1, $2) ORDER BY generation, hash LIMIT $3',
      [after?.generation ?? -1, after?.hash ?? '', limit],
    );
    return rows.map(fromCommitRow);
  }

  async scanNodes(afterId: string, limit: number): Promise<Array<{ id: string; body: string }>> {
    const { rows } = await this.pool.query<{ id: string; body: string }>(
      'SELECT id, body FROM tree_nodes WHERE id > $1 ORDER BY id LIMIT $2',
      [afterId, limit],
    );
    return rows;
  }

  async putObjects(objects: Pick<WriteBatch, 'nodes' | 'commits'>): Promise<void> {
    await this.inTransaction((client) => this.insertObjects(client, objects));
  }

  /** Runs `work` in one transaction on one pooled connection; an error rolls it back and is rethrown. */
  private async inTransaction(work: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (err) {
      // A lost (or unanswered) connection is dropped, not asked to roll back: the database rolls back what it ends.
      if (isConnectionLoss(err)) broken = err as Error;
      else await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release(broken);
    }
  }

  write(batch: WriteBatch): Promise<boolean> {
    return this.writes.write(batch);
  }

  async close(): Promise<void> {
    await this.writes.settled();
    await this.pool.end();
  }

  /** Inserts new nodes and commits inside an open transaction; ones already present are left as they are. */
  private async insertObjects(client: PoolClient, batch: Pick<WriteBatch, 'nodes' | 'commits'>): Promise<void> {
    // Sorted, so two transactions inserting overlapping nodes lock them in the same order (no deadlock).
    const nodes = [...batch.nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (nodes.length > 0) {
      // A delta row only where its base is stored: in this batch, or a row the statement can see (committed, or
      // written earlier in this transaction; rows are never deleted, so a base seen here outlives the delta). Any
      // other is stored whole: a node learned from a write that failed may name a base that never was.
      await client.query(
        `INSERT INTO tree_nodes (id, body)
         SELECT u.id,
                CASE WHEN u.base IS NULL OR u.base = ANY($1::text[])
                       OR EXISTS (SELECT 1 FROM tree_nodes t WHERE t.id = u.base)
                     THEN u.body ELSE u.whole END
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, body, base, whole)
         ON CONFLICT (id) DO NOTHING`,
        [
          nodes.map((n) => n.id),
          nodes.map((n) => n.body),
          nodes.map((n) => n.base ?? null),
          nodes.map((n) => (n.base === undefined ? null : n.whole)),
        ],
      );
    }
    for (const c of batch.commits) {
      const row = toCommitRow(c);
      await client.query(
        `INSERT INTO commits (${COMMIT_COLUMNS.join(', ')}) VALUES (${COMMIT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
         ON CONFLICT (hash) DO NOTHING`,
        COMMIT_COLUMNS.map((col) => row[col]),
      );
    }
  }

  /** The batch inside an open transaction; false when the ref compare-and-swap finds the ref elsewhere. */
  private async writeIn(client: PoolClient, batch: WriteBatch): Promise<boolean> {
    await this.insertObjects(client, batch);
    const ref = batch.ref;
    let swapped: boolean;
    let line: [string | null, string | null, ReflogEntry['operation']];
    if (ref.kind === 'create') {
      const res = await client.query(
        'INSERT INTO refs (name, type, head) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
        [ref.name, ref.type, ref.head],
      );
      swapped = res.rowCount === 1;
      line = [null, ref.head, 'CREATE'];
    } else if (ref.kind === 'move') {
      const res = await client.query('UPDATE refs SET head = $1 WHERE name = $2 AND head = $3', [
        ref.to,
        ref.name,
        ref.from,
      ]);
      swapped = res.rowCount === 1;
      line = [ref.from, ref.to, ref.operation];
    } else {
      const res = await client.query('DELETE FROM refs WHERE name = $1 AND head = $2', [ref.name, ref.from]);
      swapped = res.rowCount === 1;
      line = [ref.from, null, 'DELETE'];
    }
    if (!swapped) return false;
    await client.query(
      `INSERT INTO ref_log (ref_name, ref_type, previous_hash, new_hash, operation, at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [ref.name, ref.type, ...line, batch.at],
    );
    return true;
  }
}
