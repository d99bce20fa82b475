import assert from 'node:assert/strict';
import pg from 'pg';
import { PostgresIdempotency, PostgresVersionStore } from '@ratatouille/catalog-server';
import {
  describeColdReadContract,
  describeCompanionContract,
  describeVersionStoreContract,
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

  describeCompanionContract('PostgreSQL (migrations 100-104)', async () => {
    const store = await PostgresVersionStore.open(await server.createDatabase());
    return {
      links: store.codeLinks,
      keys: new PostgresIdempotency(store.pool, 60 * 60 * 1000),
      pending: store.pendingMerges,
      close: () => store.close(),
    };
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
