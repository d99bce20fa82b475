import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PostgresVersionStore, StoreUnavailableError } from '@ratatouille/catalog-server';
import { key, put } from '@ratatouille/catalog-server/testing';
import { startTestPostgres, type TestPostgres } from './support/postgres.ts';
import { http } from './support/server.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', type: 'long', required: false }] };
const setProperty = (key: string) => ({
  requirements: [],
  updates: [{ action: 'set-properties', updates: { [key]: 'v' } }],
});

/**
 * Two `rat serve` replicas on one PostgreSQL that is restarted under them: while it is down, requests are answered
 * 503 ServiceUnavailableException (nothing was applied, so Iceberg clients may retry; a 500 would tell them the
 * commit's outcome is unknown), and once it is back the same processes serve again, with every acknowledged commit.
 */
describe('replicas: PostgreSQL restarted under them', function () {
  this.timeout(300_000);
  let db: TestPostgres;
  let replicas: ServerProcess[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-pg-outage-'));

  before(async () => {
    db = await startTestPostgres();
    const url = await db.createDatabase();
    const start = (name: string) =>
      startServerProcess([
        '--data-dir',
        path.join(dir, name),
        '--store',
        url,
        '--warehouse',
        `file://${path.join(dir, 'warehouse')}`,
      ]);
    replicas = [await start('a'), await start('b')];
  });
  after(async () => {
    await Promise.all(replicas.map((r) => r.kill()));
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 while the database is down and serves again, without a restart, once it is back', async () => {
    const [a, b] = replicas.map((r) => `${r.url}/iceberg/v1`);
    assert.equal((await http('POST', `${a}/namespaces`, { namespace: ['ns'] })).status, 200);
    assert.equal((await http('POST', `${a}/namespaces/ns/tables`, { name: 't', schema })).status, 200);
    assert.equal((await http('POST', `${b}/namespaces/ns/tables/t`, setProperty('before'))).status, 200);

    db.halt();
    try {
      for (const base of [a, b]) {
        const commit = await http('POST', `${base}/namespaces/ns/tables/t`, setProperty('during'));
        assert.equal(commit.status, 503, JSON.stringify(commit.body));
        assert.equal(commit.body.error.type, 'ServiceUnavailableException');
        assert.match(commit.body.error.message, /catalog database is unavailable/);
        const load = await http('GET', `${base}/namespaces/ns/tables/t`);
        assert.equal(load.status, 503, JSON.stringify(load.body));
        const refs = await http('GET', base.replace('/iceberg/v1', '/api/v2/trees'));
        assert.equal(refs.status, 503, JSON.stringify(refs.body));
        assert.equal(refs.body.catalogCode, 'STORE_UNAVAILABLE');
      }
    } finally {
      db.resume();
    }

    for (const [i, base] of [a, b].entries()) {
      const commit = await http('POST', `${base}/namespaces/ns/tables/t`, setProperty(`after${i}`));
      assert.equal(commit.status, 200, JSON.stringify(commit.body));
    }
    for (const base of [a, b]) {
      const props = (await http('GET', `${base}/namespaces/ns/tables/t`)).body.metadata.properties;
      assert.equal(props.before, 'v');
      assert.equal(props.after0, 'v');
      assert.equal(props.after1, 'v');
      assert.equal(props.during, undefined, 'a commit answered 503 must not have landed');
    }
  });

  it("shows each replica's connection pool on /metrics", async () => {
    for (const r of replicas) {
      const text = await (await fetch(`${r.url}/metrics`)).text();
      const value = (state: string) =>
        Number(new RegExp(`^rat_store_pool_connections\\{state="${state}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
      assert.equal(value('max'), 10, text.slice(0, 500));
      assert.ok(value('open') >= 1 && value('open') <= 10);
      assert.ok(value('idle') <= value('open'));
      assert.equal(value('waiting'), 0);
    }
  });

  it('takes --store-query-timeout: a server started with 1s answers 503 within seconds while the host is frozen', async () => {
    await assert.rejects(
      startServerProcess(['--data-dir', path.join(dir, 'bad'), '--store', db.url, '--store-query-timeout', '0']),
      /Store query timeout "0" must be a duration of at least 1s/,
    );
    const quick = await startServerProcess([
      '--data-dir',
      path.join(dir, 'quick'),
      '--store',
      await db.createDatabase(),
      '--store-query-timeout',
      '1s',
    ]);
    let thaw = () => {};
    try {
      // One answered request first, so the pool holds a connection that the freeze leaves open and silent.
      assert.equal((await http('GET', `${quick.url}/api/v2/trees/main`)).status, 200);
      thaw = db.freeze();
      const started = Date.now();
      const frozen = await http('GET', `${quick.url}/api/v2/trees/main`);
      const tookMs = Date.now() - started;
      thaw();
      assert.equal(frozen.status, 503, JSON.stringify(frozen.body));
      // The default (30s) would hold the request for 30 s; the connect timeout bounds a new connection's part.
      assert.ok(tookMs < 12_000, `answered after ${tookMs} ms`);
      assert.equal((await http('GET', `${quick.url}/api/v2/trees/main`)).status, 200);
    } finally {
      thaw();
      await quick.kill();
    }
  });

  it('answers a read whose connection the database ended with StoreUnavailableError', async () => {
    const url = await db.createDatabase();
    const store = await PostgresVersionStore.open(url, { poolSize: 2 });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const read = store.pool.query('SELECT pg_sleep(30)');
      let ended = 0;
      for (let i = 0; ended === 0 && i < 100; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const r = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND pid <> pg_backend_pid()",
        );
        ended = r.rowCount ?? 0;
      }
      assert.equal(ended, 1);
      await assert.rejects(read, (err: unknown) => err instanceof StoreUnavailableError);
      // The pool replaces the ended connection.
      assert.equal((await store.getReference('main')).name, 'main');
    } finally {
      await admin.end();
      await store.close();
    }
  });

  it('answers 503 within its timeouts while the database host is frozen, then serves again with nothing half-done', async () => {
    const url = await db.createDatabase();
    const store = await PostgresVersionStore.open(url, { poolSize: 2, connectTimeoutMs: 1_000, queryTimeoutMs: 1_000 });
    const root = (await store.getReference('main')).hash;
    const table = (loc: string) => put(key('ns', 't'), loc);
    // Every PostgreSQL process stopped: connections stay open and nothing answers, as when the host froze.
    const thaw = db.freeze();
    try {
      const started = Date.now();
      await assert.rejects(store.getReference('main'), (err: unknown) => err instanceof StoreUnavailableError);
      await assert.rejects(
        store.commit('main', root, { message: 'while frozen' }, [table('file:///frozen.json')]),
        (err: unknown) => err instanceof StoreUnavailableError,
      );
      assert.ok(Date.now() - started < 15_000, `answered after ${Date.now() - started} ms`);
    } finally {
      thaw();
    }
    try {
      // The timed-out connections were dropped, not handed to the next request; the refused commit left nothing.
      assert.equal((await store.getReference('main')).hash, root);
      const landed = await store.commit('main', root, { message: 'after' }, [table('file:///after.json')]);
      assert.equal((await store.getReference('main')).hash, landed.hash);
    } finally {
      await store.close();
    }
  });
});
