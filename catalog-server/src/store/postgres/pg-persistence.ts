import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import type { CommitRecord, Persistence, RefRecord, ReflogRecord, WriteBatch } from '../core/persistence.ts';
import type { ReferenceType, ReflogEntry } from '../types.ts';
import { migratePostgres } from './migrations.ts';

interface CommitRow {
  hash: string;
  parent: string | null;
  merge_parent: string | null;
  tree: string;
  generation: number;
  author: string;
  committer: string;
  message: string;
  author_time: string;
  commit_time: string;
  commit_ms: string;
  properties: string;
  operations: string;
}

interface LogRow {
  id: string;
  ref_name: string;
  ref_type: ReferenceType;
  previous_hash: string | null;
  new_hash: string | null;
  operation: ReflogEntry['operation'];
  at: string;
}

/** Deadlock and serialization failures: the transaction did nothing, and planning again from fresh reads is safe. */
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * The store's persistence on PostgreSQL (node-postgres pool). Reads run on any pooled connection at READ COMMITTED;
 * a write batch is one transaction that inserts the new immutable objects and ends with the ref compare-and-swap
 * (`UPDATE refs … WHERE head = <expected>`), so several servers on one database never overwrite each other's
 * commits: the one whose swap finds the ref moved rolls back and plans again.
 *
 * @example const persist = await PostgresPersistence.open('postgresql://rat@db/rat', { poolSize: 10 })
 */
export class PostgresPersistence implements Persistence {
  private constructor(readonly pool: Pool) {}

  /** Connects, then applies the schema migrations (safe when several servers start at once). */
  static async open(url: string, opts: { poolSize?: number } = {}): Promise<PostgresPersistence> {
    const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
    // An idle connection the server dropped must not crash the process; the next query reconnects.
    pool.on('error', (err) => console.error('[catalog] PostgreSQL connection error:', err.message));
    try {
      await migratePostgres(pool);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresPersistence(pool);
  }

  async getCommit(hash: string): Promise<CommitRecord | undefined> {
    const { rows } = await this.pool.query<CommitRow>('SELECT * FROM commits WHERE hash = $1', [hash]);
    return rows[0] ? fromRow(rows[0]) : undefined;
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

  async getRef(name: string): Promise<RefRecord | undefined> {
    const { rows } = await this.pool.query<RefRecord>('SELECT name, type, head FROM refs WHERE name = $1', [name]);
    return rows[0];
  }

  async listRefs(): Promise<RefRecord[]> {
    return (await this.pool.query<RefRecord>('SELECT name, type, head FROM refs ORDER BY name')).rows;
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
    return rows.map((r) => ({
      id: Number(r.id),
      refName: r.ref_name,
      refType: r.ref_type,
      previousHash: r.previous_hash,
      newHash: r.new_hash,
      operation: r.operation,
      at: r.at,
    }));
  }

  async write(batch: WriteBatch): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const swapped = await this.writeIn(client, batch);
      await client.query(swapped ? 'COMMIT' : 'ROLLBACK');
      return swapped;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (RETRYABLE.has((err as { code?: string }).code ?? '')) return false;
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The batch inside an open transaction; false when the ref compare-and-swap finds the ref elsewhere. */
  private async writeIn(client: PoolClient, batch: WriteBatch): Promise<boolean> {
    // Sorted, so two transactions inserting overlapping nodes lock them in the same order (no deadlock).
    const nodes = [...batch.nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (nodes.length > 0) {
      await client.query(
        `INSERT INTO tree_nodes (id, body) SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT (id) DO NOTHING`,
        [nodes.map((n) => n.id), nodes.map((n) => n.body)],
      );
    }
    for (const c of batch.commits) {
      const r = toRow(c);
      await client.query(
        `INSERT INTO commits (hash, parent, merge_parent, tree, generation, author, committer, message, author_time,
         commit_time, commit_ms, properties, operations) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (hash) DO NOTHING`,
        [
          r.hash,
          r.parent,
          r.merge_parent,
          r.tree,
          r.generation,
          r.author,
          r.committer,
          r.message,
          r.author_time,
          r.commit_time,
          r.commit_ms,
          r.properties,
          r.operations,
        ],
      );
    }
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

function toRow(c: CommitRecord) {
  return {
    hash: c.hash,
    parent: c.parents[0] ?? null,
    merge_parent: c.parents[1] ?? null,
    tree: c.tree,
    generation: c.generation,
    author: c.author,
    committer: c.committer,
    message: c.message,
    author_time: c.authorTime,
    commit_time: c.commitTime,
    commit_ms: c.commitMs,
    properties: JSON.stringify(c.properties),
    operations: JSON.stringify(c.operations),
  };
}

function fromRow(r: CommitRow): CommitRecord {
  return {
    hash: r.hash,
    parents: r.merge_parent ? [r.parent!, r.merge_parent] : r.parent ? [r.parent] : [],
    tree: r.tree,
    generation: r.generation,
    author: r.author,
    committer: r.committer,
    message: r.message,
    authorTime: r.author_time,
    commitTime: r.commit_time,
    commitMs: Number(r.commit_ms),
    properties: JSON.parse(r.properties) as Record<string, string>,
    operations: JSON.parse(r.operations) as CommitRecord['operations'],
  };
}
