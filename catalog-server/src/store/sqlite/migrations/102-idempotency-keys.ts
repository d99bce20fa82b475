import type { Database } from 'better-sqlite3';

/**
 * Outcomes of Iceberg REST mutations sent with an `Idempotency-Key` header, so a retried request gets the first
 * outcome instead of running again, also after a restart. `fingerprint` is the request (method, path, body hash) the
 * key was first used for; `created_ms` drives expiry.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE idempotency_keys (
      idempotency_key TEXT PRIMARY KEY,
      fingerprint     TEXT NOT NULL,
      status          INTEGER NOT NULL,
      headers         TEXT NOT NULL,
      body            BLOB NOT NULL,
      created_ms      INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX idempotency_keys_created ON idempotency_keys (created_ms);
  `);
}
