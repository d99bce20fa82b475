import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ManagementClient } from '@ratatouille/catalog-client';
import { compactTables, loadProject, openEngine, runPipeline } from '@ratatouille/engine';
import { startTestServer, type TestServer } from './support/server.ts';
import { countOnBranch } from './support/engine-queries.ts';
import { startS3Server, type S3TestServer } from './support/s3/versitygw.ts';
import { runClientScript, stepValue } from './support/clients/index.ts';
import { runRat as rat } from './support/rat-cli.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LAKE = 'rat-lake';
const LANDING = 'rat-landing';

/** Every file under a bucket's folder on the versitygw posix backend, as bucket-relative keys. */
function keysUnder(s3: S3TestServer, bucket: string, prefix: string): string[] {
  const dir = path.join(s3.dataDir, bucket, ...prefix.split('/').filter(Boolean));
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(path.join(s3.dataDir, bucket), path.join(e.parentPath, e.name)));
}

describe('engine on S3: landing prefix → bronze/silver/gold on an S3 warehouse (versitygw)', function () {
  this.timeout(600_000);
  let s3: S3TestServer;
  let server: TestServer;
  let mgmt: ManagementClient;
  let dir: string;

  before(async () => {
    s3 = await startS3Server({ buckets: [LAKE, LANDING] });
    // The catalog gets its S3 settings from its own config; the engine gets the table keys vended by the catalog
    // and reads the landing bucket with the standard AWS variables (given to the `rat run` process only).
    server = await startTestServer({
      warehouses: {
        default: {
          uri: `s3://${LAKE}/warehouse`,
          s3: {
            endpoint: s3.endpoint,
            region: s3.region,
            accessKeyId: s3.accessKeyId,
            secretAccessKey: s3.secretAccessKey,
          },
        },
      },
    });
    mgmt = new ManagementClient({ server: server.url });
    // The shop example with its landing files moved to s3://rat-landing/shop/…
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-shop-s3-'));
    cpSync(path.join(root, 'examples', 'shop'), dir, { recursive: true });
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const landing = path.join(dir, 'landing');
    for (const e of readdirSync(landing, { recursive: true, withFileTypes: true })) {
      if (!e.isFile()) continue;
      const rel = path.relative(landing, path.join(e.parentPath, e.name)).split(path.sep).join('/');
      await client.send(
        new PutObjectCommand({
          Bucket: LANDING,
          Key: `shop/${rel}`,
          Body: readFileSync(path.join(e.parentPath, e.name)),
        }),
      );
    }
    client.destroy();
    rmSync(landing, { recursive: true, force: true });
    for (const name of ['orders', 'customers', 'products']) {
      const file = path.join(dir, 'bronze', `${name}.yml`);
      const text = readFileSync(file, 'utf8').replace(/path: landing\//, `path: s3://${LANDING}/shop/`);
      assert.match(text, /path: s3:\/\//);
      writeFileSync(file, text);
    }
  });

  after(async () => {
    await server?.stop();
    await s3?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const count = (branch: string, sqlText: string) => countOnBranch(server, branch, sqlText);

  it('runs on a branch: tables and data files on S3, main untouched until the merge', async () => {
    const main = await mgmt.getReference('main');
    await mgmt.createReference('feature', 'BRANCH', main);
    const r = await rat(dir, ['run', '--branch', 'feature', '--server', server.url], s3.env);
    assert.equal(r.code, 0, r.out);
    assert.equal((await mgmt.getReference('main')).hash, main.hash);

    const keys = keysUnder(s3, LAKE, 'warehouse');
    assert.ok(
      keys.some((k) => /bronze.*\/data\/.*\.parquet$/.test(k)),
      keys.join('\n'),
    );
    assert.ok(keys.some((k) => /gold.*\/metadata\/snap-.*\.avro$/.test(k)));
    assert.ok(
      keys.some((k) => /metadata\/[^/]+-m0\.avro$/.test(k)),
      'manifests are written to S3',
    );

    assert.equal(await count('feature', 'SELECT count(*) AS n FROM gold.daily_revenue'), 2);
    assert.ok((await count('feature', 'SELECT count(*) AS n FROM bronze.orders')) > 0);
    assert.equal(
      await count(
        'feature',
        `SELECT count(*) AS n FROM bronze.orders WHERE _source_file NOT LIKE 's3://${LANDING}/shop/orders/%'`,
      ),
      0,
    );
    assert.equal(await count('main', `SELECT count(*) AS n FROM _rat.ingest_files`).catch(() => -1), -1);
  });

  it('a second run ingests nothing new', async () => {
    const before = await count('feature', 'SELECT count(*) AS n FROM bronze.orders');
    const files = await count('feature', 'SELECT count(*) AS n FROM _rat.ingest_files');
    const r = await rat(dir, ['run', '--branch', 'feature', '--server', server.url], s3.env);
    assert.equal(r.code, 0, r.out);
    assert.equal(await count('feature', 'SELECT count(*) AS n FROM bronze.orders'), before);
    assert.equal(await count('feature', 'SELECT count(*) AS n FROM _rat.ingest_files'), files);
  });

  it('after merging the branch into main the data is visible on main', async () => {
    const main = await mgmt.getReference('main');
    const feature = await mgmt.getReference('feature');
    await mgmt.merge('main', main.hash, feature, { message: 'merge feature' });
    assert.equal(await count('main', 'SELECT count(*) AS n FROM gold.daily_revenue'), 2);
    assert.equal(
      await count('main', 'SELECT count(*) AS n FROM bronze.orders'),
      await count('feature', 'SELECT count(*) AS n FROM bronze.orders'),
    );
  });

  it('PyIceberg, given no S3 settings, reads the tables the engine wrote on S3', async () => {
    const r = await runClientScript('engine_s3.py', { baseUrl: server.url, branch: 'main' });
    const v = stepValue<{ location: string; revenue_rows: number; order_ids: number[]; data_files: string[] }>(
      r,
      'pyiceberg reads engine tables on S3',
    );
    assert.ok(v.location.startsWith(`s3://${LAKE}/warehouse/`), v.location);
    assert.equal(v.revenue_rows, 2);
    assert.equal(v.order_ids.length, await count('main', 'SELECT count(DISTINCT order_id) AS n FROM bronze.orders'));
    assert.ok(v.data_files.length > 0);
    assert.ok(v.data_files.every((f) => f.startsWith(`s3://${LAKE}/warehouse/`) && f.endsWith('.parquet')));
  });

  it('upserts (copy-on-write) into a partitioned table on S3 through the API', async () => {
    const eng = await openEngine({ server: server.url, branch: 'feature' });
    try {
      await eng.transform({
        sql: `SELECT i::BIGINT AS id, 'v' || i AS v, DATE '2024-03-01' + (i % 2)::INTEGER AS d FROM range(0, 10) t(i)`,
        target: 'silver.s3_upsert',
        partitionBy: ['day(d)'],
        materialized: 'table',
      });
      const w = await eng.transform({
        sql: `SELECT i::BIGINT AS id, 'changed' AS v, DATE '2024-03-01' + (i % 2)::INTEGER AS d FROM range(8, 12) t(i)`,
        target: 'silver.s3_upsert',
        mergeKeys: ['id'],
        materialized: 'incremental',
      });
      assert.ok(w && w.deletedFiles > 0, 'the upsert rewrote files');
      const rows = await eng.query(
        `SELECT count(*) AS n, count(*) FILTER (WHERE v = 'changed') AS c FROM silver.s3_upsert`,
      );
      assert.deepEqual([Number(rows[0]!.n), Number(rows[0]!.c)], [12, 4]);
    } finally {
      await eng.close();
    }
    assert.ok(keysUnder(s3, LAKE, 'warehouse').some((k) => /s3_upsert.*\/data\/.*=.*\.parquet$/.test(k)));
  });

  it('compacts a partitioned table on S3: one file per partition, the same rows', async () => {
    const eng = await openEngine({ server: server.url, branch: 'feature' });
    try {
      for (let i = 0; i < 3; i++) {
        await eng.transform({
          sql: `SELECT (r + ${i * 10})::BIGINT AS id, DATE '2024-03-01' + (r % 2)::INTEGER AS d FROM range(0, 4) t(r)`,
          target: 'silver.s3_compact',
          partitionBy: ['day(d)'],
          materialized: 'incremental',
        });
      }
    } finally {
      await eng.close();
    }
    const [c] = await compactTables({
      server: server.url,
      branch: 'feature',
      tables: ['silver.s3_compact'],
      minInputFiles: 2,
    });
    assert.deepEqual(
      [c!.status, c!.partitions, c!.filesRewritten, c!.filesWritten, c!.rows],
      ['compacted', 2, 6, 2, 12],
    );
    assert.equal(await count('feature', 'SELECT count(DISTINCT id) AS n FROM silver.s3_compact'), 12);
    assert.ok(keysUnder(s3, LAKE, 'warehouse').some((k) => /s3_compact.*\/data\/.*=.*\.parquet$/.test(k)));
  });

  it('wrong keys for the landing prefix: the run fails with STORAGE_ERROR and the branch is unchanged', async () => {
    const main = await mgmt.getReference('main');
    const branch = await mgmt.createReference('wrong-keys', 'BRANCH', main);
    const names = Object.keys(s3.env);
    const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
    Object.assign(process.env, s3.env, { AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    try {
      const report = await runPipeline({
        project: loadProject(dir),
        server: server.url,
        branch: 'wrong-keys',
        selector: 'bronze.orders',
      });
      assert.equal(report.status, 'failed');
      assert.equal(report.error?.code, 'STORAGE_ERROR');
      assert.equal(report.error?.step, 'bronze.orders');
      assert.equal((await mgmt.getReference('wrong-keys')).hash, branch.hash);
    } finally {
      for (const n of names) {
        if (saved[n] === undefined) delete process.env[n];
        else process.env[n] = saved[n];
      }
    }
  });
});
