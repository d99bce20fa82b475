import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';

interface Migration {
  up(db: Database): void;
}

/**
 * Applies the numbered migrations in `migrations/` (`NNN-name.ts`, in file-name order) that this database has not
 * seen yet, each in its own transaction, and records them in `schema_migrations`.
 */
export async function migrate(db: Database): Promise<string[]> {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}-.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
    .sort();
  const applied = new Set(
    (db.prepare('SELECT name FROM schema_migrations').all() as Array<{ name: string }>).map((r) => r.name),
  );
  const done: string[] = [];
  for (const file of files) {
    const name = file.replace(/\.ts$/, '');
    if (applied.has(name)) continue;
    const mod = (await import(path.join(dir, file))) as Migration;
    db.transaction(() => {
      mod.up(db);
      db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(name, new Date().toISOString());
    }).immediate();
    done.push(name);
  }
  return done;
}
