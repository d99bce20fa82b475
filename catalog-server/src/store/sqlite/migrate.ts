import type { Database } from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index.ts';

/**
 * Applies the numbered migrations (`migrations/NNN-name.ts`, in name order) that this database has not seen yet,
 * each in its own transaction, and records them in `schema_migrations`. A migration another process applied while
 * this one was starting is found inside the transaction and skipped. `onStart` hears of each one before it runs on a
 * database that already had a schema (a table rebuild takes seconds per GB, and an operator should see why the server
 * has not answered yet); a new database's migrations are instant and not reported.
 */
export function migrate(db: Database, onStart?: (name: string) => void): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT name FROM schema_migrations').all() as Array<{ name: string }>).map((r) => r.name),
  );
  const done: string[] = [];
  for (const [name, migration] of MIGRATIONS) {
    if (applied.has(name)) continue;
    const ran = withForeignKeys(db, migration, () =>
      db
        .transaction(() => {
          if (db.prepare('SELECT 1 FROM schema_migrations WHERE name = ?').get(name)) return false;
          if (applied.size > 0) onStart?.(name);
          migration.up(db);
          if (migration.withoutForeignKeys) assertForeignKeysHold(db, name);
          db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(
            name,
            new Date().toISOString(),
          );
          return true;
        })
        .immediate(),
    );
    if (ran) done.push(name);
  }
  // A rebuild leaves its tables in the WAL: copy them into the database now, before anything is served, and give the
  // WAL's space back (SQLite reuses a WAL file but never shrinks it, and the first commit would otherwise pay for
  // copying all of it).
  if (done.length > 0 && applied.size > 0) db.pragma('wal_checkpoint(TRUNCATE)');
  return done;
}

/**
 * Runs `apply` with foreign-key enforcement off when the migration asks for it (SQLite ignores the pragma inside a
 * transaction, so it is switched around the migration's transaction), restoring the connection's setting after.
 */
function withForeignKeys<T>(db: Database, migration: Migration, apply: () => T): T {
  if (!migration.withoutForeignKeys) return apply();
  const before = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    return apply();
  } finally {
    db.pragma(`foreign_keys = ${before ? 'ON' : 'OFF'}`);
  }
}

/** A rebuild that left a row pointing at nothing would roll back here rather than commit. */
function assertForeignKeysHold(db: Database, name: string): void {
  const broken = db.pragma('foreign_key_check') as unknown[];
  if (broken.length > 0) {
    const rows = broken.length === 1 ? '1 row' : `${broken.length} rows`;
    throw new Error(`migration ${name} would leave ${rows} whose foreign key points at nothing`);
  }
}
