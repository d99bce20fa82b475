import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { key, put } from '../contract-fixture.ts';
import { isNodeDelta, parseNodeDelta } from '../tree/node-delta.ts';
import type { Operation } from '../types.ts';
import { SqliteVersionStore } from './sqlite-store.ts';

const TABLES = 30;
const location = (t: number, v: number) =>
  `file:///warehouse/db/t${t}/metadata/${String(v).padStart(5, '0')}-0d1e.metadata.json`;

describe('SQLite stores trie nodes as deltas', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'rat-node-deltas-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a commit to one table of 30 as a small row, and a reopened store reads every commit as written', async () => {
    const file = path.join(dir, 'catalog.db');
    const writer = await SqliteVersionStore.open(file);
    const versions = new Map<number, number>();
    const history: Array<{ hash: string; tables: Map<number, number> }> = [];
    const commit = async (ops: Operation[]) => {
      const head = (await writer.getReference('main')).hash;
      const { hash } = await writer.commit('main', head, { message: 'change' }, ops);
      history.push({ hash, tables: new Map(versions) });
    };
    for (let t = 0; t < TABLES; t++) versions.set(t, 1);
    await commit([...versions].map(([t, v]) => put(key('db', `t${t}`), location(t, v))));
    // 100 commits of one table each; every 25th drops a table and the next brings it back.
    for (let i = 0; i < 100; i++) {
      const t = (i * 7) % TABLES;
      if (i % 25 === 10) {
        versions.delete(t);
        await commit([{ type: 'DELETE', key: key('db', `t${t}`) }]);
      } else {
        versions.set(t, (versions.get(t) ?? 0) + 1);
        await commit([put(key('db', `t${t}`), location(t, versions.get(t)!))]);
      }
    }

    const rows = await writer.persistence.scanNodes('', 10_000);
    const deltas = rows.filter((r) => isNodeDelta(r.body));
    const whole = rows.filter((r) => !isNodeDelta(r.body));
    // One leaf per commit (30 tables fit one leaf): deltas of the last leaf stored whole, until one would pass half the
    // leaf's size; then the leaf whole again. A delta's base is never a delta: a cold read costs two rows at most.
    assert.equal(rows.length, 101);
    assert.ok(deltas.length >= 80, `${deltas.length} of ${rows.length} rows are deltas`);
    const wholeIds = new Set(whole.map((r) => r.id));
    assert.ok(deltas.every((r) => wholeIds.has(parseNodeDelta(r.body).base)));
    const deltaBytes = deltas.reduce((n, r) => n + r.body.length, 0) / deltas.length;
    const wholeBytes = whole.reduce((n, r) => n + r.body.length, 0) / whole.length;
    assert.ok(deltaBytes * 3 < wholeBytes, `a delta row ${deltaBytes} bytes on average, a whole leaf ${wholeBytes}`);
    await writer.close();

    // Nothing cached: every leaf read from its row, a delta through its base.
    const reader = await SqliteVersionStore.open(file);
    try {
      const keys = Array.from({ length: TABLES }, (_, t) => key('db', `t${t}`));
      for (const { hash, tables } of history.reverse()) {
        const got = await reader.getContents(hash, keys);
        const want = new Map([...tables].map(([t, v]) => [`db\u0000t${t}`, location(t, v)]));
        assert.deepEqual(
          new Map([...got].map(([k, c]) => [k, 'metadataLocation' in c ? c.metadataLocation : undefined])),
          want,
          `contents at ${hash}`,
        );
      }
      const [first, last] = [history.at(-1)!.hash, history[0]!.hash];
      const diff = await reader.diff(first, last);
      assert.equal(diff.items.length, TABLES);
    } finally {
      await reader.close();
    }
  });

  it('writes a commit to one table of 300 as small rows for its leaf and its branch, read back after a restart', async () => {
    const file = path.join(dir, 'catalog.db');
    const writer = await SqliteVersionStore.open(file);
    const keys = Array.from({ length: 300 }, (_, t) => key('db', `t${t}`));
    let head = (await writer.getReference('main')).hash;
    head = (
      await writer.commit(
        'main',
        head,
        { message: 'tables' },
        keys.map((k, t) => put(k, location(t, 0))),
      )
    ).hash;
    const hashes = [head];
    for (let i = 1; i <= 60; i++) {
      const t = (i * 37) % keys.length;
      head = (await writer.commit('main', head, { message: 'one' }, [put(keys[t]!, location(t, i))])).hash;
      hashes.push(head);
    }
    const expected = new Map<string, Map<string, unknown>>();
    for (const h of hashes) expected.set(h, await writer.getContents(h, keys));
    const rows = await writer.persistence.scanNodes('', 10_000);
    const kinds = rows.filter((r) => isNodeDelta(r.body)).map((r) => parseNodeDelta(r.body).kind);
    // Each commit: one leaf and the root branch, nearly all as deltas.
    assert.ok(
      kinds.filter((k) => k === 'branch').length >= 50,
      `${kinds.filter((k) => k === 'branch').length} branch deltas`,
    );
    assert.ok(
      kinds.filter((k) => k === 'leaf').length >= 40,
      `${kinds.filter((k) => k === 'leaf').length} leaf deltas`,
    );
    await writer.close();

    const reader = await SqliteVersionStore.open(file);
    try {
      for (const h of hashes.reverse())
        assert.deepEqual(await reader.getContents(h, keys), expected.get(h), `contents at ${h}`);
      const touched = new Set(Array.from({ length: 60 }, (_, i) => ((i + 1) * 37) % keys.length));
      assert.equal((await reader.diff(hashes.at(-1)!, hashes[0]!)).items.length, touched.size);
    } finally {
      await reader.close();
    }
  });

  it('stores a delta whose base it does not hold whole, in the same transaction as the check', async () => {
    const store = await SqliteVersionStore.open(path.join(dir, 'catalog.db'));
    try {
      const root = (await store.getReference('main')).hash;
      const whole = '{"l":[[["db","t"],{"type":"NAMESPACE","elements":["db","t"],"properties":{}}]]}';
      const delta = '{"d":"no-such-node","s":[],"r":[]}';
      const written = await store.persistence.write({
        nodes: [
          { id: 'a-delta-of-nothing', body: delta, base: 'no-such-node', whole },
          {
            id: 'a-delta-of-the-one-before',
            body: '{"d":"a-delta-of-nothing","s":[],"r":[]}',
            base: 'a-delta-of-nothing',
            whole,
          },
        ],
        commits: [],
        ref: { kind: 'create', name: 'side', type: 'BRANCH', head: root },
        at: new Date().toISOString(),
      });
      assert.equal(written, true);
      const rows = new Map((await store.persistence.scanNodes('', 10)).map((r) => [r.id, r.body]));
      assert.equal(rows.get('a-delta-of-nothing'), whole);
      // Its base was stored (whole) earlier in the same batch: kept as the delta.
      assert.equal(rows.get('a-delta-of-the-one-before'), '{"d":"a-delta-of-nothing","s":[],"r":[]}');
    } finally {
      await store.close();
    }
  });

  it('stores deltas of commits planned on writes still in flight, each readable after a restart', async () => {
    const file = path.join(dir, 'catalog.db');
    const writer = await SqliteVersionStore.open(file, { groupCommit: true });
    const keys = Array.from({ length: TABLES }, (_, t) => key('db', `t${t}`));
    const first = await writer.commit(
      'main',
      (await writer.getReference('main')).hash,
      { message: 'tables' },
      keys.map((k, t) => put(k, location(t, 0))),
    );
    // 16 writers on one branch, each on tables of its own: commits go into shared transactions, each planned on the
    // one before it while that is still being written.
    const hashes: string[] = [first.hash];
    await Promise.all(
      Array.from({ length: 16 }, async (_, w) => {
        for (let n = 1; n <= 20; n++) {
          const t = w + 16 * (n % 2) < TABLES ? w + 16 * (n % 2) : w;
          for (;;) {
            const head = (await writer.getReference('main')).hash;
            try {
              hashes.push(
                (await writer.commit('main', head, { message: `w${w}` }, [put(keys[t]!, location(t, n))])).hash,
              );
              break;
            } catch (err) {
              if ((err as Error).name !== 'ReferenceConflictError') throw err;
            }
          }
        }
      }),
    );
    const expected = new Map<string, Map<string, unknown>>();
    for (const h of hashes) expected.set(h, await writer.getContents(h, keys));
    assert.ok((await writer.persistence.scanNodes('', 10_000)).filter((r) => isNodeDelta(r.body)).length > 200);
    await writer.close();

    const reader = await SqliteVersionStore.open(file);
    try {
      for (const h of hashes) assert.deepEqual(await reader.getContents(h, keys), expected.get(h), `contents at ${h}`);
    } finally {
      await reader.close();
    }
  });
});
