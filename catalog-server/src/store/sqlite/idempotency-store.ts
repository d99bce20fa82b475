import type { Database, Statement } from 'better-sqlite3';
import type { IdempotencyRecords, IdempotentOutcome } from '../companions.ts';
import { fromIdempotencyRow, type IdempotencyRow } from '../sql-rows.ts';

export type { IdempotentOutcome } from '../companions.ts';

/**
 * Finalized outcomes of Iceberg REST mutations by Idempotency-Key (migration 102), in the store's SQLite file so they
 * survive a restart. Records older than `retentionMs` are dropped as new ones arrive.
 *
 * @example const keys = new IdempotencyStore(store.db); await keys.put({ key, fingerprint, status: 200, headers, body, createdMs: Date.now() })
 */
export class IdempotencyStore implements IdempotencyRecords {
  private readonly stmt: Record<'get' | 'put' | 'expire', Statement>;

  constructor(
    db: Database,
    readonly retentionMs = 24 * 60 * 60 * 1000,
  ) {
    this.stmt = {
      get: db.prepare('SELECT * FROM idempotency_keys WHERE idempotency_key = ?'),
      // The first finalized outcome wins; a concurrent duplicate that also ran does not replace it.
      put: db.prepare(`INSERT OR IGNORE INTO idempotency_keys
        (idempotency_key, fingerprint, status, headers, body, created_ms) VALUES (?, ?, ?, ?, ?, ?)`),
      expire: db.prepare('DELETE FROM idempotency_keys WHERE created_ms < ?'),
    };
  }

  /** The outcome recorded for `key`, unless it has expired. */
  async get(key: string, now = Date.now()): Promise<IdempotentOutcome | undefined> {
    const row = this.stmt.get.get(key) as IdempotencyRow | undefined;
    if (!row || Number(row.created_ms) < now - this.retentionMs) return undefined;
    return fromIdempotencyRow(row);
  }

  /** Records an outcome (before the response leaves) and drops expired ones. */
  async put(o: IdempotentOutcome): Promise<void> {
    this.stmt.put.run(o.key, o.fingerprint, o.status, JSON.stringify(o.headers), o.body, o.createdMs);
    this.stmt.expire.run(o.createdMs - this.retentionMs);
  }
}
