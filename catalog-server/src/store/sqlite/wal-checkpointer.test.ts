import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { key, put } from '../contract-fixture.ts';
import { SqliteVersionStore } from './sqlite-store.ts';
import BetterSqlite3 from 'better-sqlite3';
import { BACKSTOP_PAGES, WalCheckpointer } from './wal-checkpointer.ts';

describe('SQLite WAL checkpoints in a background thread', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-wal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('moves committed pages into the database file while the serving connection only keeps a backstop', async () => {
    const file = path.join(dir, 'catalog.db');
    const store = await SqliteVersionStore.open(file);
    try {
      assert.equal(store.db.pragma('wal_autocheckpoint', { simple: true }), BACKSTOP_PAGES);
      const before = statSync(file).size;
      // About 6 MB in 200 commits (each carries a journaled 30 KB file): past the thread's threshold, far below the
      // backstop, so only the background thread can grow the database file.
      const bytes = Buffer.from('x'.repeat(30_000));
      for (let i = 0; i < 200; i++) {
        const head = (await store.getReference('main')).hash;
        const files = [{ location: `file:///wh/t/metadata/${i}.metadata.json`, bytes }];
        await store.commit('main', head, { message: `c${i}` }, [put(key('db', `t${i % 40}`), `v${i}`)], { files });
      }
      for (const start = Date.now(); statSync(file).size <= before; await new Promise((r) => setTimeout(r, 20))) {
        if (Date.now() - start > 5_000) assert.fail('the WAL was not checkpointed in the background');
      }
    } finally {
      await store.close();
    }
    // Closing stops the thread: a reopened store reads everything back.
    const again = await SqliteVersionStore.open(file);
    try {
      const log = await again.log((await again.getReference('main')).hash, { maxRecords: 300 });
      assert.deepEqual(
        log.items.slice(0, 2).map((c) => c.message),
        ['c199', 'c198'],
      );
    } finally {
      await again.close();
    }
  });

  it('lets a process whose last work is closing the store finish what follows the close', () => {
    const script = path.join(dir, 'close-last.mts');
    const storeModule = fileURLToPath(new URL('./sqlite-store.ts', import.meta.url));
    writeFileSync(
      script,
      `import { SqliteVersionStore } from ${JSON.stringify(storeModule)};
const store = await SqliteVersionStore.open(${JSON.stringify(path.join(dir, 'c.db'))});
// Enough journaled bytes for the checkpoint thread to start.
for (let i = 0; i < 200; i++) {
  const head = (await store.getReference('main')).hash;
  const content = { type: 'ICEBERG_TABLE', metadataLocation: 'file:///wh/t/m' + i, snapshotId: 1, schemaId: 0, specId: 0, sortOrderId: 0 };
  const files = [{ location: 'file:///wh/t/m' + i, bytes: Buffer.from('x'.repeat(30000)) }];
  await store.commit('main', head, { message: 'c' + i }, [{ type: 'PUT', key: { elements: ['t' + i] }, content }], { files });
}
await store.close();
console.log('after close');`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
    assert.equal(r.stdout.trim(), 'after close', r.stderr);
  });

  it('reports a checkpoint that cannot run to its owner', async () => {
    const db = new BetterSqlite3(path.join(dir, 'c.db'));
    const errors: string[] = [];
    // A database the thread cannot open: its checkpoints fail, and each failure is reported, not swallowed.
    const checkpointer = WalCheckpointer.start(db, path.join(dir, 'missing', 'c.db'), (m) => errors.push(m));
    try {
      checkpointer!.wrote(8 * 1024 * 1024);
      for (const start = Date.now(); errors.length === 0; await new Promise((r) => setTimeout(r, 20))) {
        if (Date.now() - start > 5_000) assert.fail('the failing checkpoint was not reported');
      }
      assert.ok(errors[0]!.length > 0, 'the report says why');
    } finally {
      await checkpointer!.stop();
      db.close();
    }
  });

  it('starts no thread for an in-memory database', async () => {
    const store = await SqliteVersionStore.open(':memory:');
    assert.notEqual(store.db.pragma('wal_autocheckpoint', { simple: true }), BACKSTOP_PAGES);
    await store.close();
  });
});
