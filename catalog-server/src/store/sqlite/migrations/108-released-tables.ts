import type { Database } from 'better-sqlite3';

/**
 * Tables unregistered to another catalog (Iceberg REST `unregister`), by the metadata file the release named: their
 * files belong to whoever registers that file next, so GC and purges leave everything under `prefixes` (a JSON array
 * of folders) alone. `table_name` is the name's parts as a JSON array, as the branch `ref` knew it.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE released_tables (
      metadata_location TEXT PRIMARY KEY,
      prefixes          TEXT NOT NULL,
      ref               TEXT NOT NULL,
      table_name        TEXT NOT NULL,
      released_at       TEXT NOT NULL
    ) WITHOUT ROWID;
  `);
}
