import type { Database } from 'better-sqlite3';

/**
 * Forge webhook deliveries already handled, keyed by the forge's delivery id, so a replayed delivery is a no-op.
 * A delivery is claimed before the merge runs (`status = 'processing'`) and released again if the merge fails, so a
 * retry by the forge can succeed later while two concurrent copies never both merge.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE webhook_deliveries (
      forge        TEXT NOT NULL,
      delivery_id  TEXT NOT NULL,
      received_at  TEXT NOT NULL,
      status       TEXT NOT NULL,
      result       TEXT,
      PRIMARY KEY (forge, delivery_id)
    ) WITHOUT ROWID;
  `);
}
