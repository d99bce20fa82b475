import type { Database } from 'better-sqlite3';

/**
 * Metadata files written without waiting for their fsync: each is kept here, in the transaction of the commit that
 * references it, until the file is durable (then forgotten, in batches). After a power loss the server restores the
 * files still listed before it serves anything, so a commit costs one fsync (the database's) instead of three.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE file_journal (
      location TEXT PRIMARY KEY,
      body     TEXT NOT NULL
    ) WITHOUT ROWID;
  `);
}
