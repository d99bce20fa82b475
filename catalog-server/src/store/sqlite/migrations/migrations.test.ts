import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
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
    const heard: string[] = [];
    try {
      assert.deepEqual(
        migrate(db, (name) => heard.push(name)),
        MIGRATIONS.map(([name]) => name),
      );
      assert.deepEqual(migrate(db), []);
      // A new database's migrations are instant: nothing to tell an operator about.
      assert.deepEqual(heard, []);
    } finally {
      db.close();
    }
  });
});

describe('migration 107 (commits and tree nodes as rowid tables)', () => {
  /** A database with every migration before 107 applied, and a branch of three commits with their tree nodes. */
  function databaseBefore107(file = ':memory:'): Database.Database {
    const db = new Database(file);
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.exec('CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
    for (const [name, m] of MIGRATIONS.filter(([n]) => n < '107')) {
      m.up(db);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(name, 'then');
    }
    const insert = db.prepare(`INSERT INTO commits VALUES (?, ?, NULL, ?, ?, 'a', 'c', ?, 't', 't', 0, '{}', '[]')`);
    insert.run('c0', null, 'n0', 0, 'root');
    insert.run('c1', 'c0', 'n1', 1, 'one');
    insert.run('c2', 'c1', 'n2', 2, 'two');
    for (const n of ['n0', 'n1', 'n2']) db.prepare('INSERT INTO tree_nodes VALUES (?, ?)').run(n, `{"l":["${n}"]}`);
    db.prepare(`INSERT INTO refs VALUES ('main', 'BRANCH', 'c2')`).run();
    return db;
  }

  // 107 and every migration after it: a database from before 107 gets them all in one run.
  const from107 = MIGRATIONS.map(([name]) => name).filter((n) => n >= '107');

  const tableSql = (db: Database.Database, name: string) =>
    (db.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).get(name) as { sql: string } | undefined)?.sql;

  it('keeps every row, drops WITHOUT ROWID and the parent index, and leaves foreign keys enforced', () => {
    const db = databaseBefore107();
    try {
      const commitsBefore = db.prepare('SELECT * FROM commits ORDER BY hash').all();
      assert.match(tableSql(db, 'commits') ?? '', /WITHOUT ROWID/);
      const heard: string[] = [];
      assert.deepEqual(
        migrate(db, (name) => heard.push(name)),
        from107,
      );
      assert.deepEqual(heard, from107);

      assert.deepEqual(db.prepare('SELECT * FROM commits ORDER BY hash').all(), commitsBefore);
      assert.equal((db.prepare('SELECT count(*) AS n FROM tree_nodes').get() as { n: number }).n, 3);
      for (const t of ['commits', 'tree_nodes']) assert.doesNotMatch(tableSql(db, t) ?? '', /WITHOUT ROWID/);
      assert.equal(tableSql(db, 'commits_parent'), undefined);
      assert.equal(tableSql(db, 'commits_rebuilt'), undefined);

      // The connection's setting is back, and the references still hold: to the new commits table.
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
      const orphan = db.prepare(
        `INSERT INTO commits VALUES ('c9', 'nope', NULL, 'n', 9, 'a', 'c', 'm', 't', 't', 0, '{}', '[]')`,
      );
      assert.throws(() => orphan.run(), /FOREIGN KEY/);
      assert.throws(() => db.prepare(`UPDATE refs SET head = 'nope' WHERE name = 'main'`).run(), /FOREIGN KEY/);
      db.prepare(`UPDATE refs SET head = 'c1' WHERE name = 'main'`).run();
    } finally {
      db.close();
    }
  });

  it('leaves no rebuilt table in the WAL: copied into the database file, the WAL emptied', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-migrate-'));
    const file = path.join(dir, 'catalog.db');
    const db = databaseBefore107(file);
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.prepare('INSERT INTO tree_nodes VALUES (?, ?)').run('big', 'x'.repeat(1_000_000));
      assert.ok(statSync(`${file}-wal`).size > 1_000_000);
      assert.deepEqual(migrate(db), from107);
      assert.equal(statSync(`${file}-wal`).size, 0);
      assert.equal(
        (db.prepare('SELECT length(body) AS n FROM tree_nodes WHERE id = ?').get('big') as { n: number }).n,
        1_000_000,
      );
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rolls back, leaving the old tables, when a row points at nothing', () => {
    const db = databaseBefore107();
    try {
      db.pragma('foreign_keys = OFF');
      db.prepare(`UPDATE refs SET head = 'gone' WHERE name = 'main'`).run();
      db.pragma('foreign_keys = ON');
      assert.throws(() => migrate(db), /107-rowid-objects would leave 1 row whose foreign key/);
      assert.match(tableSql(db, 'commits') ?? '', /WITHOUT ROWID/);
      assert.equal((db.prepare('SELECT count(*) AS n FROM commits').get() as { n: number }).n, 3);
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    } finally {
      db.close();
    }
  });
});
