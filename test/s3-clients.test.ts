import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { startS3Server, type S3TestServer } from './support/s3/versitygw.ts';
import {
  ensureMavenArtifact,
  ensureIcebergSparkRuntime,
  runClientScript,
  stepValue,
  type ClientRunResult,
} from './support/clients/index.ts';
import { ICEBERG_AWS_BUNDLE, sparkClientSetup } from './support/clients/spark.ts';
const BUCKET = 'rat-clients';
const BRANCH = 's3-feature';

function filesUnder(s3: S3TestServer, location: string): string[] {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(location);
  assert.ok(m, location);
  const dir = path.join(s3.dataDir, m[1]!, ...m[2]!.split('/'));
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * PyIceberg 0.12 and Spark 4.1 (Iceberg 1.11 + iceberg-aws-bundle) through the catalog on a real S3 server. Clients
 * get no S3 settings of their own; the scenario runs in one Python process (test/support/s3/s3_clients.py).
 */
describe('PyIceberg and Spark on an S3 warehouse (versitygw)', function () {
  this.timeout(900_000);
  let s3: S3TestServer;
  let server: TestServer;
  let r: ClientRunResult;
  let location: string;

  before(async function () {
    this.timeout(1_800_000);
    const [spark, awsBundle, runtime] = await Promise.all([
      sparkClientSetup(),
      ensureMavenArtifact(ICEBERG_AWS_BUNDLE),
      ensureIcebergSparkRuntime(),
    ]);
    s3 = await startS3Server({ buckets: [BUCKET] });
    server = await startTestServer({
      warehouses: {
        default: {
          uri: `s3://${BUCKET}/warehouse`,
          s3: { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        },
      },
    });
    r = await runClientScript(
      // The runner resolves scripts from test/clients/; this one sits with the other S3 test support.
      path.join('..', 'support', 's3', 's3_clients.py'),
      { baseUrl: server.url, branch: BRANCH, sparkJars: [runtime, awsBundle] },
      { env: spark.env, killAfterMs: 900_000 },
    );
  });

  after(async () => {
    await server?.stop();
    await s3?.stop();
  });

  it('PyIceberg creates and appends on a branch; data and metadata land in S3', () => {
    const v = stepValue<{ location: string; ids: number[]; ioKeys: string[]; dataFiles: string[] }>(
      r,
      'pyiceberg: create and append on the branch',
    );
    location = v.location;
    assert.ok(location.startsWith(`s3://${BUCKET}/warehouse/`), location);
    assert.deepEqual(v.ids, [1, 2, 3]);
    for (const k of ['s3.endpoint', 's3.region', 's3.path-style-access', 's3.access-key-id']) {
      assert.ok(v.ioKeys.includes(k), `PyIceberg's FileIO got ${k} from the catalog`);
    }
    assert.ok(v.dataFiles.length > 0 && v.dataFiles.every((f) => f.startsWith(location)));
  });

  it('main does not see the table before the merge', () => {
    assert.ok(
      ['NoSuchTableError', 'NoSuchNamespaceError'].includes(stepValue(r, "main does not see the branch's table")),
    );
  });

  it("Spark reads PyIceberg's rows and inserts on the branch", () => {
    const v = stepValue<{ before: number[]; after: number[]; files: string[] }>(
      r,
      "spark: read PyIceberg's rows and insert on the branch",
    );
    assert.deepEqual(v.before, [1, 2, 3]);
    assert.deepEqual(v.after, [1, 2, 3, 4, 5]);
    assert.ok(v.files.every((f) => f.startsWith('s3://')));
  });

  it("PyIceberg reads Spark's rows on the branch", () => {
    assert.deepEqual(stepValue(r, "pyiceberg: read Spark's rows on the branch"), [1, 2, 3, 4, 5]);
  });

  it('after the merge, main has every row for both clients', () => {
    stepValue(r, 'merge the branch into main');
    assert.deepEqual(stepValue(r, 'pyiceberg: main has every row after the merge'), [1, 2, 3, 4, 5]);
    assert.deepEqual(stepValue(r, 'spark: main has every row after the merge'), [1, 2, 3, 4, 5]);
  });

  it('purge leaves the files history still reaches; GC with retention 0 then deletes every one of them', async () => {
    stepValue(r, 'drop on the branch, purge on main');
    assert.ok(location);
    const before = filesUnder(s3, location);
    assert.ok(before.length > 0, 'all history is kept by default, so purge deleted nothing');
    const gc = await http('POST', `${server.url}/api/v2/rat/gc`, { keepHistory: '0', gracePeriod: '0' });
    assert.equal(gc.status, 200, JSON.stringify(gc.body));
    assert.equal(gc.body.deleted, before.length, JSON.stringify(gc.body.files));
    assert.deepEqual(filesUnder(s3, location), []);
  });
});
