import assert from 'node:assert/strict';
import pg from 'pg';
import {
  DatabaseClock,
  PostgresCodeLinks,
  PostgresIdempotency,
  PostgresVersionStore,
  ReferenceConflictError,
} from '@ratatouille/catalog-server';
import { DELIVERY_CLAIM_LEASE_MS } from '@ratatouille/catalog-server/testing';
import {
  describeColdReadContract,
  describeCompanionContract,
  describePipelinedCommitContract,
  describeVersionStoreContract,
  key,
  put,
  storeSteps,
} from '@ratatouille/catalog-server/testing';
import { startTestPostgres, type TestPostgres } from './support/postgres.ts';

/** The store contracts on a real PostgreSQL server, each test on a fresh database. */
describe('store on PostgreSQL', function () {
  this.timeout(120_000);
  let server: TestPostgres;
  before(async () => {
    server = await startTestPostgres();
  });
  after(async () => {
    await server?.stop();
  });

  describeVersionStoreContract('PostgreSQL', async () => PostgresVersionStore.open(await server.createDatabase()));
  describeColdReadContract('PostgreSQL, a second store on the database', async () => {
    const url = await server.createDatabase();
    return { writer: await PostgresVersionStore.open(url), openReader: () => PostgresVersionStore.open(url) };
  });

  describePipelinedCommitContract('PostgreSQL', async () => PostgresVersionStore.open(await server.createDatabase()));

  describeCompanionContract('PostgreSQL (migrations 100-108)', async () => {
    const store = await PostgresVersionStore.open(await server.createDatabase());
    return {
      links: store.codeLinks,
      keys: new PostgresIdempotency(store.pool, 60 * 60 * 1000),
      pending: store.pendingMerges,
      released: store.releasedTables,
      close: () => store.close(),
    };
  });

  describe('replicas whose clocks disagree', () => {
    // Replica B's clock runs 15 minutes ahead of A's (no NTP): far past the 30 s Idempotency-Key lease and the
    // 10 min delivery lease. Each replica passes its own times, as the server does with Date.now().
    const SKEW = 15 * 60_000;
    const aNow = () => Date.now();
    const bNow = () => Date.now() + SKEW;
    let store: PostgresVersionStore;
    beforeEach(async () => {
      store = await PostgresVersionStore.open(await server.createDatabase());
    });
    afterEach(() => store.close());

    it("do not take over each other's live Idempotency-Key claims, and agree when one lapsed", async () => {
      const a = new PostgresIdempotency(store.pool, 60 * 60_000, new DatabaseClock(store.pool, aNow));
      const b = new PostgresIdempotency(store.pool, 60 * 60_000, new DatabaseClock(store.pool, bNow));
      const claim = (holder: string, expiresMs: number) => ({ key: 'k', fingerprint: 'POST /x h', holder, expiresMs });
      assert.equal(await a.claim(claim('a', aNow() + 30_000), aNow()), undefined);
      const seen = await b.claim(claim('b', bNow() + 30_000), bNow());
      assert.equal(seen?.holder, 'a', "B sees A's claim as live although B's clock is past its expiry");
      assert.ok(Math.abs(seen.expiresMs - (bNow() + 30_000)) < 5_000, "and reads its expiry in B's own time");
      // Once A's lease has lapsed (in the database's time), B takes the key over.
      assert.equal(await a.claim(claim('a', aNow() + 1), aNow()), undefined, 'A renews with a lease of 1 ms');
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(await b.claim(claim('b', bNow() + 30_000), bNow()), undefined, 'lapsed: taken over');
      // An outcome B records is found by A, within retention by either clock.
      await b.put({
        key: 'k',
        fingerprint: 'POST /x h',
        status: 200,
        headers: {},
        body: Buffer.from('{}'),
        createdMs: bNow(),
      });
      assert.equal((await a.get('k', aNow()))?.status, 200);
    });

    it('do not take over a webhook delivery the other is still handling', async () => {
      const a = new PostgresCodeLinks(store.pool, new DatabaseClock(store.pool, aNow));
      const b = new PostgresCodeLinks(store.pool, new DatabaseClock(store.pool, bNow));
      assert.ok(SKEW > DELIVERY_CLAIM_LEASE_MS);
      assert.equal(await a.claimDelivery('github', 'd1', aNow()), true);
      assert.equal(await b.claimDelivery('github', 'd1', bNow()), false, "A's claim is live in the database's time");
      const received = Date.parse((await b.getDelivery('github', 'd1'))!.receivedAt);
      assert.ok(Math.abs(received - bNow()) < 5_000, "B reads when A claimed it in B's own time");
    });
  });

  describe('commits to one branch, pipelined', () => {
    let store: PostgresVersionStore;
    const { locationAt } = storeSteps(() => store);
    const location = (hash: string, name: string) => locationAt(hash, key('ns', name));
    const putTable = (name: string, loc: string) => put(key('ns', name), loc);
    let url: string;
    beforeEach(async () => {
      url = await server.createDatabase();
      store = await PostgresVersionStore.open(url);
    });
    afterEach(() => store.close());

    it('plans commits again when the write they were planned on loses its compare-and-swap', async () => {
      const root = (await store.getReference('main')).hash;
      await store.createReference('side', 'BRANCH', root);
      const side = await store.commit('side', root, { message: 'side' }, [putTable('s', 's-1')]);
      const before = store.groupCommitStats;
      // Another writer moves main first (handed over first, so it is written first), held up by a lock on the ref's
      // row until the two commits below are planned on the old head and queued behind it. Then the first loses its
      // compare-and-swap; the second was planned on the first, in the same shared transaction, and must lose too
      // (not trip over its missing parent). Both plan again on the moved head and land.
      const blocker = new pg.Client({ connectionString: url });
      await blocker.connect();
      let commits: Promise<Array<{ hash: string }>>;
      let moved: Promise<boolean>;
      try {
        await blocker.query('BEGIN');
        await blocker.query("SELECT head FROM refs WHERE name = 'main' FOR UPDATE");
        moved = store.persistence.write({
          nodes: [],
          commits: [],
          ref: { kind: 'move', name: 'main', type: 'BRANCH', from: root, to: side.hash, operation: 'ASSIGN' },
          at: new Date().toISOString(),
        });
        commits = Promise.all([
          store.commit('main', root, { message: 'a' }, [putTable('a', 'a-1')]),
          store.commit('main', root, { message: 'b' }, [putTable('b', 'b-1')]),
        ]);
        for (const start = Date.now(); store.groupCommitStats.waiting < 3;) {
          if (Date.now() - start > 10_000) assert.fail('the commits were not queued behind the move');
          await new Promise((r) => setTimeout(r, 10));
        }
      } finally {
        await blocker.query('COMMIT');
        await blocker.end();
      }
      const [a, b] = await commits;
      assert.equal(await moved, true);
      const head = (await store.getReference('main')).hash;
      assert.ok([a.hash, b.hash].includes(head));
      const log = (await store.log(head, { maxRecords: 5 })).items.map((c) => c.message);
      assert.deepEqual(new Set(log.slice(0, 2)), new Set(['a', 'b']));
      assert.equal(log[2], 'side');
      for (const [k, v] of [
        ['s', 's-1'],
        ['a', 'a-1'],
        ['b', 'b-1'],
      ]) {
        assert.equal(await location(head, k!), v);
      }
      // The move, both commits once (lost), and both again.
      const after = store.groupCommitStats;
      assert.equal(after.items - before.items, 5);
      assert.ok(after.transactions - before.transactions < 5, 'the lost commits shared a transaction');
      // Another server writes to main: for a while its commits are planned one at a time on the acknowledged head, so
      // one loss does not cost a chain of them.
      await Promise.all(
        ['c', 'd', 'e'].map((t) => store.commit('main', head, { message: t }, [putTable(t, `${t}-1`)])),
      );
      const later = store.groupCommitStats;
      assert.equal(later.items - after.items, 3);
      assert.equal(later.transactions - after.transactions, 3);
    });

    it('keeps the other commits of a shared transaction when one is refused', async () => {
      const root = (await store.getReference('main')).hash;
      const first = await store.commit('main', root, { message: 'first' }, [putTable('hot', 'hot-1')]);
      // All from the same stale head: the one on "hot" conflicts (it changed since), the others land.
      const settled = await Promise.allSettled([
        store.commit('main', root, { message: 'x' }, [putTable('x', 'x-1')]),
        store.commit('main', root, { message: 'hot' }, [putTable('hot', 'hot-2')]),
        store.commit('main', root, { message: 'y' }, [putTable('y', 'y-1')]),
      ]);
      assert.deepEqual(
        settled.map((s) => s.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.ok((settled[1] as PromiseRejectedResult).reason instanceof ReferenceConflictError);
      const head = (await store.getReference('main')).hash;
      assert.equal(await location(head, 'hot'), 'hot-1');
      assert.equal(await location(head, 'x'), 'x-1');
      assert.equal(await location(head, 'y'), 'y-1');
      assert.ok(first.hash !== head);
    });
  });

  it('stores trie nodes as deltas where their base is stored, and a second store reads them', async () => {
    const url = await server.createDatabase();
    const store = await PostgresVersionStore.open(url);
    try {
      let head = (await store.getReference('main')).hash;
      const tables = Array.from({ length: 20 }, (_, i) =>
        put(key('ns', `t${i}`), `file:///w/ns/t${i}/v1.metadata.json`),
      );
      head = (await store.commit('main', head, { message: 'tables' }, tables)).hash;
      const before = head;
      for (let v = 2; v <= 4; v++) {
        head = (
          await store.commit('main', head, { message: 'one' }, [put(key('ns', 't3'), `file:///w/ns/t3/v${v}.json`)])
        ).hash;
      }
      const rows = await store.persistence.scanNodes('', 100);
      const deltas = rows.filter((r) => r.body.startsWith('{"d":'));
      assert.equal(deltas.length, 3, 'each commit of one table a delta of the first leaf');
      // A delta whose base the database does not hold is stored whole, checked in the write's transaction.
      const whole = '{"l":[]}';
      await store.persistence.write({
        nodes: [{ id: 'a-delta-of-nothing', body: '{"d":"no-such-node","s":[],"r":[]}', base: 'no-such-node', whole }],
        commits: [],
        ref: { kind: 'create', name: 'side', type: 'BRANCH', head: before },
        at: new Date().toISOString(),
      });
      assert.equal(
        (await store.persistence.scanNodes('', 100)).find((r) => r.id === 'a-delta-of-nothing')?.body,
        whole,
      );
      const reader = await PostgresVersionStore.open(url);
      try {
        const { locationAt } = storeSteps(() => reader);
        assert.equal(await locationAt(head, key('ns', 't3')), 'file:///w/ns/t3/v4.json');
        assert.equal(await locationAt(head, key('ns', 't7')), 'file:///w/ns/t7/v1.metadata.json');
        assert.equal(await locationAt(before, key('ns', 't3')), 'file:///w/ns/t3/v1.metadata.json');
        assert.equal((await reader.listEntries(head)).items.length, 20);
      } finally {
        await reader.close();
      }
    } finally {
      await store.close();
    }
  });

  it('migrates once when several servers open a fresh database at the same moment', async () => {
    const url = await server.createDatabase();
    const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresVersionStore.open(url)));
    try {
      const refs = await Promise.all(stores.map((s) => s.listReferences()));
      for (const r of refs) assert.deepEqual(r, refs[0]);
      assert.deepEqual(
        refs[0].map((r) => r.name),
        ['main'],
      );
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string; n: string }>(
          'SELECT name, count(*) AS n FROM schema_migrations GROUP BY name ORDER BY name',
        );
        assert.deepEqual(
          rows.map((r) => [r.name, Number(r.n)]),
          [
            ['001-initial', 1],
            ['002-refs-by-type', 1],
            ['100-code-links', 1],
            ['101-webhook-deliveries', 1],
            ['102-idempotency-keys', 1],
            ['103-pending-merges', 1],
            ['104-idempotency-claims', 1],
            ['105-token-signing-key', 1],
            ['107-drop-commits-parent', 1],
            ['108-released-tables', 1],
          ],
        );
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
