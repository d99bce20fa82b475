import assert from 'node:assert/strict';
import path from 'node:path';
import { http, type TestServer } from './support/server.ts';
import type { S3TestServer } from './support/s3/versitygw.ts';
import { startSigningCatalog } from './support/s3/signing-catalog.ts';
import { SECRETS, bearer, tokenFor } from './support/auth.ts';
import {
  ensureIcebergSparkRuntime,
  ensureMavenArtifact,
  runClientScript,
  stepValue,
  type ClientRunResult,
} from './support/clients/index.ts';
import { ICEBERG_AWS_BUNDLE, sparkClientSetup } from './support/clients/spark.ts';

const BUCKET = 'rat-signing-clients';
const BRANCH = 'team/signing';

/**
 * Spark 4.1 (Iceberg 1.11 S3FileIO) through the catalog's S3 remote signing on a real S3 server, with auth on: it is
 * given no S3 keys at all, writes and reads as a writer, reads as a narrow reader (`guest`: `team/*` only), and the
 * reader's insert is refused by the signer. The scenario runs in one Python process
 * (test/support/s3/s3_signing_spark.py); the checks of what the signer refuses a reader run here over HTTP.
 */
describe('Spark through S3 remote signing (versitygw, auth on)', function () {
  this.timeout(900_000);
  let s3: S3TestServer;
  let server: TestServer;
  let stop: () => Promise<void>;
  let r: ClientRunResult;
  let written: { events: string[]; secrets: string[] };

  before(async function () {
    this.timeout(1_800_000);
    const [spark, awsBundle, runtime] = await Promise.all([
      sparkClientSetup(),
      ensureMavenArtifact(ICEBERG_AWS_BUNDLE),
      ensureIcebergSparkRuntime(),
    ]);
    ({ s3, server, stop } = await startSigningCatalog(BUCKET, { branch: BRANCH }));
    r = await runClientScript(
      path.join('..', 'support', 's3', 's3_signing_spark.py'),
      {
        baseUrl: server.url,
        branch: BRANCH,
        sparkJars: [runtime, awsBundle],
        etlCredential: `etl:${SECRETS.etl}`,
        guestCredential: `guest:${SECRETS.guest}`,
      },
      // No AWS keys in Spark's environment either: every S3 request it sends is one the catalog signed.
      {
        env: { ...spark.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '' },
        killAfterMs: 900_000,
      },
    );
  });

  after(() => stop?.());

  it('a writer creates two tables and inserts: its data files land in S3 through signed writes', () => {
    written = stepValue(r, 'spark etl: create two tables and insert through signed writes');
    for (const [table, files] of Object.entries(written)) {
      assert.ok(files.length > 0, table);
      for (const f of files) assert.ok(f.startsWith(`s3://${BUCKET}/warehouse/db/${table}`), f);
    }
  });

  it('a narrow reader reads the rows through signed reads', () => {
    assert.deepEqual(stepValue(r, 'spark guest: read the first table through signed reads'), [1, 2, 3]);
  });

  it("the reader's insert is refused by the signer (no write rights on the ref)", () => {
    const v = stepValue<{ message: string }>(r, 'spark guest: an insert is refused');
    assert.match(v.message, /Forbidden|lacks the "write" permission|403/);
  });

  it('the writer appends and reads back', () => {
    assert.deepEqual(stepValue(r, 'spark etl: append and read back'), [1, 2, 3, 4]);
  });

  it('the writer creates a table as select (a staged create): its files are signed before the table exists', () => {
    const v = stepValue<{ rows: number[]; files: string[] }>(
      r,
      'spark etl: create a table as select (a staged create)',
    );
    assert.deepEqual(v.rows, [20, 30, 40]);
    for (const f of v.files) assert.ok(f.startsWith(`s3://${BUCKET}/warehouse/db/big`), f);
  });

  it("a reader of one table cannot have a second table's data file signed through the first table", async () => {
    const guest = bearer(await tokenFor(server.url, 'guest'));
    const uriOf = (location: string) => `${s3.endpoint}/${location.slice('s3://'.length)}`;
    const secret = uriOf(written.secrets[0]!);
    const sign = (table: string, uri: string) =>
      http(
        'POST',
        `${server.url}/iceberg/${encodeURIComponent(BRANCH)}/v1/namespaces/db/tables/${table}/sign`,
        { region: s3.region, method: 'GET', uri, headers: {} },
        guest,
      );
    const refused = await sign('events', secret);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.error.type, 'ForbiddenException');
    // The same reader, through its own table, gets its own file signed, and S3 serves it.
    const own = await sign('events', uriOf(written.events[0]!));
    assert.equal(own.status, 200, JSON.stringify(own.body));
    const headers = Object.fromEntries(
      Object.entries(own.body.headers as Record<string, string[]>).map(([k, v]) => [k, v.join(', ')]),
    );
    const res = await fetch(own.body.uri, { headers });
    assert.equal(res.status, 200);
    assert.equal(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 4)
        .toString(),
      'PAR1',
    );
  });
});
