import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { http } from './support/server.ts';
import { commitKey, headOf } from './support/catalog-commits.ts';
import { schema } from './support/iceberg-http.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

/**
 * Puts a catalog file back into the layout it had before migration 107 (commits and trie nodes as WITHOUT ROWID
 * tables, the index on a commit's parent), as a server of the previous version left it, and forgets that 107 ran.
 */
function toLayoutBefore107(file: string): void {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('foreign_keys = OFF');
    db.transaction(() => {
      for (const table of ['commits', 'tree_nodes']) {
        const { sql } = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) as {
          sql: string;
        };
        const old = sql.replace(/^CREATE TABLE\s+"?\w+"?/i, `CREATE TABLE ${table}_old`);
        db.exec(`${old} WITHOUT ROWID`);
        db.exec(`INSERT INTO ${table}_old SELECT * FROM ${table}`);
        db.exec(`DROP TABLE ${table}`);
        db.exec(`ALTER TABLE ${table}_old RENAME TO ${table}`);
      }
      db.exec('CREATE INDEX commits_parent ON commits(parent)');
      db.prepare(`DELETE FROM schema_migrations WHERE name = '107-rowid-objects'`).run();
    })();
    assert.equal(db.pragma('foreign_key_check', { simple: true }), undefined);
  } finally {
    db.close();
  }
}

function layoutOf(file: string) {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE name IN ('commits', 'tree_nodes', 'commits_parent')`)
      .all();
  } finally {
    db.close();
  }
}

describe('upgrading a SQLite catalog written before the rowid object tables (migration 107)', function () {
  this.timeout(120_000);
  let dir: string;
  let server: ServerProcess | undefined;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-upgrade-'));
  });
  after(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves every table, commit and branch as before, logs the migration, and takes new commits', async () => {
    server = await startServerProcess(['--data-dir', dir]);
    let base = server.url;
    const table = () => `${base}/iceberg/v1/namespaces/shop/tables/orders`;
    assert.equal((await http('POST', `${base}/iceberg/v1/namespaces`, { namespace: ['shop'] })).status, 200);
    const created = await http('POST', `${base}/iceberg/v1/namespaces/shop/tables`, { name: 'orders', schema });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const append = async (parent: number | null, id: number) => {
      const md = (await http('GET', table())).body.metadata;
      const r = await http('POST', table(), {
        requirements: [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': parent }],
        updates: [
          {
            action: 'add-snapshot',
            snapshot: {
              'snapshot-id': id,
              ...(parent === null ? {} : { 'parent-snapshot-id': parent }),
              'sequence-number': Number(md['last-sequence-number']) + 1,
              'timestamp-ms': Date.now(),
              'manifest-list': `${md.location}/metadata/snap-${id}.avro`,
              summary: { operation: 'append' },
              'schema-id': 0,
            },
          },
          { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': id },
        ],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    };
    await append(null, 101);
    await append(101, 102);
    const dev = await http('POST', `${base}/api/v2/trees?name=dev&type=BRANCH`, {
      type: 'BRANCH',
      name: 'main',
      hash: await headOf(base),
    });
    assert.equal(dev.status, 200, JSON.stringify(dev.body));
    assert.equal((await commitKey(base, 'dev', await headOf(base, 'dev'), 'only_on_dev', 1)).status, 200);

    const before = {
      table: (await http('GET', table())).body,
      log: (await http('GET', `${base}/api/v2/trees/main/history`)).body,
      devLog: (await http('GET', `${base}/api/v2/trees/dev/history`)).body,
      refs: (await http('GET', `${base}/api/v2/trees`)).body,
    };
    assert.equal(await server.stop(), 0);

    const file = path.join(dir, 'catalog.db');
    toLayoutBefore107(file);
    const old = layoutOf(file) as Array<{ name: string; sql: string }>;
    assert.deepEqual(old.map((t) => t.name).sort(), ['commits', 'commits_parent', 'tree_nodes']);
    for (const t of old) if (t.name !== 'commits_parent') assert.match(t.sql, /WITHOUT ROWID/);

    server = await startServerProcess(['--data-dir', dir]);
    base = server.url;
    // Logged before the migration ran, not in a batch after it: an operator sees why the server has not answered yet.
    assert.match(server.output(), /"migration":"107-rowid-objects".*"msg":"migrating the catalog database"/);
    const after = {
      table: (await http('GET', table())).body,
      log: (await http('GET', `${base}/api/v2/trees/main/history`)).body,
      devLog: (await http('GET', `${base}/api/v2/trees/dev/history`)).body,
      refs: (await http('GET', `${base}/api/v2/trees`)).body,
    };
    assert.deepEqual(after, before);
    for (const t of layoutOf(file) as Array<{ name: string; sql: string }>) {
      assert.notEqual(t.name, 'commits_parent');
      assert.doesNotMatch(t.sql, /WITHOUT ROWID/);
    }

    // Writes go on where they left off, on both branches.
    await append(102, 103);
    assert.equal((await commitKey(base, 'dev', await headOf(base, 'dev'), 'only_on_dev', 2)).status, 200);
    const restarted = (await http('GET', table())).body.metadata;
    assert.equal(String(restarted['current-snapshot-id']), '103');
    assert.equal(restarted.snapshots.length, 3);
  });
});
