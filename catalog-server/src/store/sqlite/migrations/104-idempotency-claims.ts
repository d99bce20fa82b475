import type { Database } from 'better-sqlite3';

/**
 * Claims of Iceberg REST mutations sent with an `Idempotency-Key` that are still running: a duplicate finds the claim
 * and waits for the outcome (in `idempotency_keys`) instead of running too. `holder` is a random id per request;
 * `expires_ms` is when a claim whose holder stopped renewing it (its server died) may be taken over.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE idempotency_claims (
      idempotency_key TEXT PRIMARY KEY,
      fingerprint     TEXT NOT NULL,
      holder          TEXT NOT NULL,
      expires_ms      INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX idempotency_claims_expires ON idempotency_claims (expires_ms);
  `);
}
