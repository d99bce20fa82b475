import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './index.ts';
import { migrate } from '../migrate.ts';

describe('SQLite migrations', () => {
  it('lists every migration file of the folder, in name order', () => {
    const files = readdirSync(path.dirname(fileURLToPath(import.meta.url)))
      .filter((f) => /^\d{3}-.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    assert.deepEqual(
      MIGRATIONS.map(([name]) => name),
      files,
    );
  });

  it('applies each once: a second run on the same database applies nothing', () => {
    const db = new Database(':memory:');
    try {
      assert.deepEqual(
        migrate(db),
        MIGRATIONS.map(([name]) => name),
      );
      assert.deepEqual(migrate(db), []);
    } finally {
      db.close();
    }
  });
});
