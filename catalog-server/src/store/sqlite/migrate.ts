import type { Database } from 'better-sqlite3';
import { MIGRATIONS } from './migrations/index.ts';

/**
 * Applies the numbered migrations (`migrations/NNN-name.ts`, in name order) that this database has not seen yet,
 * each in its own transaction, and records them in `schema_migrations`.
 */
export function migrate(db: Database): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT name FROM schema_migrations').all() as Array<{ name: string }>).map((r) => r.name),
  );
  const done: string[] = [];
  for (const [name, migration] of MIGRATIONS) {
    if (applied.has(name)) continue;
    db.transaction(() => {
      migration.up(db);
      db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(name, new Date().toISOString());
    }).immediate();
    done.push(name);
  }
  return done;
}
