import type { Database, Statement } from 'better-sqlite3';
import type { IdempotencyClaim, IdempotencyRecords, IdempotentOutcome } from '../companions.ts';
import { fromClaimRow, fromIdempotencyRow, type ClaimRow, type IdempotencyRow } from '../sql-rows.ts';

export type { IdempotentOutcome } from '../companions.ts';

/**
 * Outcomes of Iceberg REST mutations by Idempotency-Key (migration 102) and claims of the ones still running
 * (migration 104), in the store's SQLite file so they survive a restart and are shared by every process on the file.
 * Outcomes older than `retentionMs` and lapsed claims are dropped as new outcomes arrive.
 *
 * @example const keys = new IdempotencyStore(store.db); await keys.put({ key, fingerprint, status: 200, headers, body, createdMs: Date.now() })
 */
export class IdempotencyStore implements IdempotencyRecords {
  private readonly stmt: Record<
    'get' | 'put' | 'expire' | 'claim' | 'getClaim' | 'endClaim' | 'release' | 'expireClaims',
    Statement
  >;

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
      // One statement, so two processes on the file cannot both win: a live claim of another holder stays.
      claim: db.prepare(`INSERT INTO idempotency_claims (idempotency_key, fingerprint, holder, expires_ms)
        VALUES (@key, @fingerprint, @holder, @expiresMs)
        ON CONFLICT (idempotency_key) DO UPDATE SET fingerprint = excluded.fingerprint, holder = excluded.holder,
          expires_ms = excluded.expires_ms
        WHERE idempotency_claims.holder = excluded.holder OR idempotency_claims.expires_ms <= @now`),
      getClaim: db.prepare('SELECT * FROM idempotency_claims WHERE idempotency_key = ?'),
      endClaim: db.prepare('DELETE FROM idempotency_claims WHERE idempotency_key = ?'),
      release: db.prepare('DELETE FROM idempotency_claims WHERE idempotency_key = ? AND holder = ?'),
      expireClaims: db.prepare('DELETE FROM idempotency_claims WHERE expires_ms < ?'),
    };
  }

  /** The outcome recorded for `key`, unless it has expired. */
  async get(key: string, now = Date.now()): Promise<IdempotentOutcome | undefined> {
    const row = this.stmt.get.get(key) as IdempotencyRow | undefined;
    if (!row || Number(row.created_ms) < now - this.retentionMs) return undefined;
    return fromIdempotencyRow(row);
  }

  /** Records an outcome (before the response leaves), ends the key's claim and drops expired records. */
  async put(o: IdempotentOutcome): Promise<void> {
    this.stmt.put.run(o.key, o.fingerprint, o.status, JSON.stringify(o.headers), o.body, o.createdMs);
    this.stmt.endClaim.run(o.key);
    this.stmt.expire.run(o.createdMs - this.retentionMs);
    this.stmt.expireClaims.run(o.createdMs);
  }

  async claim(c: IdempotencyClaim, now = Date.now()): Promise<IdempotencyClaim | undefined> {
    for (;;) {
      if (this.stmt.claim.run({ ...c, now }).changes === 1) return undefined;
      const row = this.stmt.getClaim.get(c.key) as ClaimRow | undefined;
      // Gone between the two statements (another process on the file released it): try again.
      if (row) return fromClaimRow(row);
    }
  }

  async release(key: string, holder: string): Promise<void> {
    this.stmt.release.run(key, holder);
  }
}
