/**
 * The engine (`rat run`) on an S3 warehouse whose client policy is `remote-signing`, with auth on: it holds no S3
 * keys at all, and every table file it writes or reads is signed by the catalog for its client (etl), as Spark's and
 * PyIceberg's are (test/s3-signing-clients.test.ts). Then a merge into protected `main` and a read back by a reader.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagementClient } from '@ratatouille/catalog-client';
import { openEngine } from '@ratatouille/engine';
import type { TestServer } from './support/server.ts';
import type { S3TestServer } from './support/s3/versitygw.ts';
import { startSigningCatalog } from './support/s3/signing-catalog.ts';
import { countOnBranch } from './support/engine-queries.ts';
import { SECRETS, bearer, tokenFor, useAuthEnv } from './support/auth.ts';
import { runRat as rat } from './support/rat-cli.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LAKE = 'rat-signed-lake';

/** No S3 keys reach `rat run`: blank values override whatever the test process has. */
const ETL = { RAT_CLIENT_ID: 'etl', RAT_CLIENT_SECRET: SECRETS.etl, RAT_TOKEN: '' };

const NO_KEYS = {
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_SESSION_TOKEN: '',
  AWS_PROFILE: '',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_EC2_METADATA_DISABLED: 'true',
};

describe('engine on S3 with remote signing (versitygw, auth on, no keys in the engine)', function () {
  this.timeout(600_000);
  let s3: S3TestServer;
  let server: TestServer;
  let stop: () => Promise<void>;
  let ops: ManagementClient;
  let dir: string;
  const credentials = useAuthEnv();

  before(async () => {
    ({ s3, server, stop } = await startSigningCatalog(LAKE));
    ops = new ManagementClient({ server: server.url, credentials: { clientId: 'ops', clientSecret: SECRETS.ops } });
    dir = mkdtempSync(path.join(os.tmpdir(), 'engsign-shop-'));
    cpSync(path.join(root, 'examples', 'shop'), dir, { recursive: true });
  });

  after(async () => {
    await stop?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Sign requests the catalog answered so far, by status (from its `/metrics`). */
  const signRequests = async (): Promise<Record<string, number>> => {
    const res = await fetch(`${server.url}/metrics`, { headers: bearer(await tokenFor(server.url, 'ops')) });
    const out: Record<string, number> = {};
    for (const m of (await res.text()).matchAll(/^rat_http_requests_total\{([^}]*)\} (\d+)/gm)) {
      if (!/route="[^"]*\/sign[^"]*"/.test(m[1]!)) continue;
      const status = /status="(\d+)"/.exec(m[1]!)![1]!;
      out[status] = (out[status] ?? 0) + Number(m[2]);
    }
    return out;
  };

  /** A query through the engine in this process, as `bi` (a reader): its reads are signed for bi. */
  const count = async (branch: string, sqlText: string) => {
    credentials({ RAT_CLIENT_ID: 'bi', RAT_CLIENT_SECRET: SECRETS.bi });
    return countOnBranch(server, branch, sqlText);
  };

  it('runs the shop example on a branch as etl, every table file signed by the catalog', async () => {
    await ops.createReference('feature', 'BRANCH', await ops.getReference('main'));
    const r = await rat(dir, ['run', '--branch', 'feature', '--server', server.url], { ...NO_KEYS, ...ETL });
    assert.equal(r.code, 0, r.out);
    const signed = await signRequests();
    assert.ok((signed['200'] ?? 0) > 10, JSON.stringify(signed));
    assert.deepEqual(Object.keys(signed), ['200'], 'no sign request was refused');

    const lake = path.join(s3.dataDir, LAKE, 'warehouse');
    const files = existsSync(lake)
      ? readdirSync(lake, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => path.join(e.parentPath, e.name))
      : [];
    assert.ok(
      files.some((f) => /bronze.*\/data\/.*\.parquet$/.test(f)),
      files.join('\n'),
    );
    assert.ok(files.some((f) => /gold.*\/metadata\/snap-.*\.avro$/.test(f)));
    assert.equal(await count('feature', 'SELECT count(*) AS n FROM gold.daily_revenue'), 2);
  });

  it('a second run ingests nothing new (reads of its own files are signed too)', async () => {
    const before = await count('feature', 'SELECT count(*) AS n FROM bronze.orders');
    const r = await rat(dir, ['run', '--branch', 'feature', '--server', server.url], { ...NO_KEYS, ...ETL });
    assert.equal(r.code, 0, r.out);
    assert.equal(await count('feature', 'SELECT count(*) AS n FROM bronze.orders'), before);
  });

  it('upserts (copy-on-write) into a partitioned table through the API as etl', async () => {
    credentials(ETL);
    const eng = await openEngine({ server: server.url, branch: 'feature' });
    try {
      await eng.transform({
        sql: `SELECT i::BIGINT AS id, 'v' || i AS v, DATE '2024-03-01' + (i % 2)::INTEGER AS d FROM range(0, 10) t(i)`,
        target: 'silver.signed_upsert',
        partitionBy: ['day(d)'],
        materialized: 'table',
      });
      const w = await eng.transform({
        sql: `SELECT i::BIGINT AS id, 'changed' AS v, DATE '2024-03-01' + (i % 2)::INTEGER AS d FROM range(8, 12) t(i)`,
        target: 'silver.signed_upsert',
        mergeKeys: ['id'],
        materialized: 'incremental',
      });
      assert.ok(w && w.deletedFiles > 0, 'the upsert rewrote files');
    } finally {
      await eng.close();
    }
    assert.equal(await count('feature', `SELECT count(*) AS n FROM silver.signed_upsert WHERE v = 'changed'`), 4);
    assert.equal(await count('feature', 'SELECT count(*) AS n FROM silver.signed_upsert'), 12);
  });

  it('a failing step leaves the branch as it was and its uploaded files in place: nothing asks for a delete', async () => {
    const broken = mkdtempSync(path.join(os.tmpdir(), 'engsign-broken-'));
    try {
      cpSync(dir, broken, { recursive: true });
      writeFileSync(
        path.join(broken, 'gold', 'broken.sql'),
        "/* ---\nmaterialized: table\n--- */\nSELECT no_such_column FROM {{ ref('silver.products') }}\n",
      );
      const head = await ops.getReference('feature');
      const before = await signRequests();
      const r = await rat(broken, ['run', '--branch', 'feature', '--server', server.url], { ...NO_KEYS, ...ETL });
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /MODEL_SQL_ERROR/);
      assert.equal((await ops.getReference('feature')).hash, head.hash);
      const after = await signRequests();
      assert.ok((after['200'] ?? 0) > (before['200'] ?? 0), 'the run signed its reads and writes');
      assert.deepEqual(Object.keys(after), ['200'], 'no sign request was refused');
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it("a reader's upload is refused by the signer: STORAGE_ERROR, the branch unchanged", async () => {
    const head = await ops.getReference('feature');
    credentials({ RAT_CLIENT_ID: 'bi', RAT_CLIENT_SECRET: SECRETS.bi });
    const eng = await openEngine({ server: server.url, branch: 'feature' });
    try {
      await assert.rejects(
        eng.transform({
          sql: `SELECT 100::BIGINT AS id, 'x' AS v, DATE '2024-03-01' AS d`,
          target: 'silver.signed_upsert',
          materialized: 'incremental',
        }),
        (err: { code?: string; data?: { operation?: string; s3Code?: string } }) =>
          err.code === 'STORAGE_ERROR' && err.data?.operation === 'PutObject' && err.data.s3Code === 'S3SignError',
      );
    } finally {
      await eng.close();
    }
    assert.equal((await ops.getReference('feature')).hash, head.hash);
  });

  it('after the merge into protected main, a reader reads the rows back through signing', async () => {
    const main = await ops.getReference('main');
    await ops.merge('main', main.hash, await ops.getReference('feature'), { message: 'merge feature' });
    assert.equal(await count('main', 'SELECT count(*) AS n FROM gold.daily_revenue'), 2);
    assert.ok((await count('main', 'SELECT count(*) AS n FROM bronze.orders')) > 0);
    assert.equal(
      await count('main', 'SELECT count(*) AS n FROM bronze.orders'),
      await count('feature', 'SELECT count(*) AS n FROM bronze.orders'),
    );
  });
});
