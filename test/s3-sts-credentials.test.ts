/**
 * Down-scoped temporary credentials (client credential policy `sts`) against a real S3 server with STS (SeaweedFS):
 * the catalog assumes a role with a session policy limited to the table's folder, and the store enforces it. A reader
 * gets keys that read its table and nothing else; a writer's keys also create objects in its table; nobody's delete.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { startStsS3Server, type StsTestServer } from './support/s3/seaweedfs.ts';
import { bearer, SECRETS, TEAM_AUTH, tokenFor, type TeamClient } from './support/auth.ts';
import { ensurePythonVenv, runChecked } from './support/clients/index.ts';

const BUCKET = 'rat-sts';
const BRANCH = 'team/x';
const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [{ id: 1, name: 'id', required: false, type: 'long' }],
};
const VENDED = { 'x-iceberg-access-delegation': 'vended-credentials' };

/** The S3 status of a request made with vended keys: 200 when allowed, 403 when the session policy refuses it. */
async function statusOf(send: () => Promise<unknown>): Promise<number> {
  try {
    await send();
    return 200;
  } catch (err) {
    return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? -1;
  }
}

describe('S3 STS down-scoped credentials (SeaweedFS, auth on)', function () {
  this.timeout(600_000);
  let s3: StsTestServer;
  let server: TestServer;
  const tokens: Partial<Record<TeamClient, string>> = {};
  const clients: S3Client[] = [];
  const iceberg = (ref: string) => `${server.url}/iceberg/${encodeURIComponent(ref)}/v1`;
  const as = (client: TeamClient) => bearer(tokens[client]!);
  /** Table name → its location and metadata file, as S3 keys. */
  const tables: Record<string, { prefix: string; metadataKey: string }> = {};

  const keyOf = (location: string) => location.slice(`s3://${BUCKET}/`.length);

  /** An S3 client that uses the keys of a load answer's config, as an Iceberg client's FileIO would. */
  const clientFor = (config: Record<string, string>) => {
    const c = new S3Client({
      endpoint: config['s3.endpoint'],
      region: config['s3.region'],
      forcePathStyle: config['s3.path-style-access'] === 'true',
      credentials: {
        accessKeyId: config['s3.access-key-id']!,
        secretAccessKey: config['s3.secret-access-key']!,
        sessionToken: config['s3.session-token'],
      },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      maxAttempts: 1,
    });
    clients.push(c);
    return c;
  };

  const load = async (client: TeamClient, table: string, ref = BRANCH) => {
    const r = await http('GET', `${iceberg(ref)}/namespaces/db/tables/${table}`, undefined, {
      ...as(client),
      ...VENDED,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { config: Record<string, string>; 'storage-credentials'?: Array<{ prefix: string }> };
  };

  const get = (c: S3Client, key: string) => statusOf(() => c.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })));
  const put = (c: S3Client, key: string) =>
    statusOf(() => c.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' })));
  const del = (c: S3Client, key: string) =>
    statusOf(() => c.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key })));
  const list = (c: S3Client, prefix: string) =>
    statusOf(() => c.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix })));
  /** A multipart upload of one part, completed, or aborted when `abort`. */
  const multipart = (c: S3Client, key: string, abort = false) =>
    statusOf(async () => {
      const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
      const part = await c.send(
        new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: 'part' }),
      );
      if (abort) return c.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId }));
      return c.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
        }),
      );
    });
  const exists = (key: string) => statusOf(() => s3.admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })));
  /** The catalog's warehouses: the bucket, its keys, and the `sts` policy assuming `roleArn`. */
  const stsWarehouses = (roleArn: string, durationSeconds?: number) => ({
    default: {
      uri: `s3://${BUCKET}/warehouse`,
      s3: {
        endpoint: s3.endpoint,
        region: s3.region,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        clientCredentials: 'sts' as const,
        stsRoleArn: roleArn,
        ...(durationSeconds === undefined ? {} : { stsDurationSeconds: durationSeconds }),
      },
    },
  });

  before(async () => {
    s3 = await startStsS3Server({ buckets: [BUCKET] });
    server = await startTestServer({ auth: TEAM_AUTH, warehouses: stsWarehouses(s3.roleArn, 900) });
    for (const c of ['etl', 'bi', 'ops'] as const) tokens[c] = await tokenFor(server.url, c);
    const main = await http('GET', `${server.url}/api/v2/trees/main`, undefined, as('ops'));
    const branch = await http(
      'POST',
      `${server.url}/api/v2/trees?name=${encodeURIComponent(BRANCH)}&type=BRANCH`,
      { type: 'BRANCH', name: 'main', hash: main.body.reference.hash },
      as('ops'),
    );
    assert.ok(branch.status < 300, JSON.stringify(branch.body));
    const ns = await http('POST', `${iceberg(BRANCH)}/namespaces`, { namespace: ['db'] }, as('ops'));
    assert.equal(ns.status, 200, JSON.stringify(ns.body));
    // t1x: a sibling whose name starts with t1's, which t1's keys must not reach either.
    for (const name of ['t1', 't2', 't1x']) {
      const r = await http('POST', `${iceberg(BRANCH)}/namespaces/db/tables`, { name, schema: SCHEMA }, as('etl'));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      tables[name] = { prefix: keyOf(r.body.metadata.location), metadataKey: keyOf(r.body['metadata-location']) };
    }
  });

  after(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
    await s3?.stop();
  });

  it('gives no keys unless asked, and never the server its own', async () => {
    const plain = await http('GET', `${iceberg(BRANCH)}/namespaces/db/tables/t1`, undefined, as('bi'));
    assert.equal(plain.status, 200);
    assert.equal(plain.body.config['s3.access-key-id'], undefined);
    assert.deepEqual(plain.body['storage-credentials'] ?? [], []);
    const vended = await load('bi', 't1');
    const c = vended.config;
    assert.ok(c['s3.access-key-id'] && c['s3.secret-access-key'] && c['s3.session-token']);
    assert.notEqual(c['s3.access-key-id'], s3.accessKeyId);
    assert.notEqual(c['s3.secret-access-key'], s3.secretAccessKey);
    const expires = Number(c['s3.session-token-expires-at-ms']);
    assert.ok(Math.abs(expires - (Date.now() + 900_000)) < 120_000, `expires at ${expires}`);
    assert.deepEqual(
      vended['storage-credentials']!.map((s) => s.prefix),
      [`s3://${BUCKET}/${tables.t1!.prefix}`],
    );
  });

  it('hands the same scoped keys with a scan the catalog plans, and none unless asked', async () => {
    const plan = (headers: Record<string, string>) =>
      http('POST', `${iceberg(BRANCH)}/namespaces/db/tables/t1/plan`, {}, { ...as('bi'), ...headers });
    const plain = await plan({});
    assert.equal(plain.status, 200, JSON.stringify(plain.body));
    assert.equal(plain.body.status, 'completed');
    assert.equal(plain.body['storage-credentials'], undefined);
    const vended = await plan({ 'x-iceberg-access-delegation': 'vended-credentials' });
    assert.equal(vended.status, 200);
    const [creds] = vended.body['storage-credentials'] as Array<{ prefix: string; config: Record<string, string> }>;
    assert.equal(creds!.prefix, `s3://${BUCKET}/${tables.t1!.prefix}`);
    assert.ok(creds!.config['s3.session-token']);
    const bi = clientFor(creds!.config);
    assert.equal(await get(bi, tables.t1!.metadataKey), 200);
    assert.equal(await get(bi, tables.t2!.metadataKey), 403);
    assert.equal(await put(bi, `${tables.t1!.prefix}/data/new.parquet`), 403);
  });

  it("lets a reader's keys read and list its table only, never write or delete", async () => {
    const bi = clientFor((await load('bi', 't1')).config);
    const t1 = tables.t1!;
    assert.equal(await get(bi, t1.metadataKey), 200);
    assert.equal(await list(bi, `${t1.prefix}/`), 200);
    assert.equal(await get(bi, tables.t2!.metadataKey), 403);
    assert.equal(await get(bi, tables.t1x!.metadataKey), 403);
    assert.equal(await list(bi, `${tables.t2!.prefix}/`), 403);
    // A listing prefix without the slash would also name t1x's files.
    assert.equal(await list(bi, t1.prefix), 403);
    assert.equal(await list(bi, ''), 403);
    assert.equal(await put(bi, `${t1.prefix}/data/new.parquet`), 403);
    assert.equal(await multipart(bi, `${t1.prefix}/data/big.parquet`), 403);
    assert.equal(await del(bi, t1.metadataKey), 403);
    assert.equal(await exists(t1.metadataKey), 200);
  });

  it("lets a writer's keys create objects in its table only, and still never delete", async () => {
    const etl = clientFor((await load('etl', 't1')).config);
    const t1 = tables.t1!;
    assert.equal(await put(etl, `${t1.prefix}/data/new.parquet`), 200);
    assert.equal(await exists(`${t1.prefix}/data/new.parquet`), 200);
    assert.equal(await multipart(etl, `${t1.prefix}/data/big.parquet`), 200);
    assert.equal(await exists(`${t1.prefix}/data/big.parquet`), 200);
    assert.equal(await multipart(etl, `${t1.prefix}/data/abandoned.parquet`, true), 200);
    assert.equal(await multipart(etl, `${tables.t2!.prefix}/data/big.parquet`), 403);
    assert.equal(await get(etl, t1.metadataKey), 200);
    assert.equal(await put(etl, `${tables.t2!.prefix}/data/new.parquet`), 403);
    assert.equal(await put(etl, `${tables.t1x!.prefix}/data/new.parquet`), 403);
    assert.equal(await put(etl, 'warehouse/elsewhere.parquet'), 403);
    assert.equal(await get(etl, tables.t2!.metadataKey), 403);
    assert.equal(await del(etl, t1.metadataKey), 403);
    assert.equal(await del(etl, `${t1.prefix}/data/new.parquet`), 403);
    assert.equal(await exists(t1.metadataKey), 200);
  });

  it('gives writers read-only keys where they cannot commit: a point in history, a protected branch', async () => {
    const head = await http('GET', `${server.url}/api/v2/trees/${encodeURIComponent(BRANCH)}`, undefined, as('ops'));
    const pinned = clientFor((await load('etl', 't1', `${BRANCH}@${head.body.reference.hash}`)).config);
    assert.equal(await get(pinned, tables.t1!.metadataKey), 200);
    assert.equal(await put(pinned, `${tables.t1!.prefix}/data/pinned.parquet`), 403);

    // main is protected: changes arrive there only by merge, so even the admin gets keys that only read its files.
    const main = (await http('GET', `${server.url}/api/v2/trees/main`, undefined, as('ops'))).body.reference;
    const merged = await http(
      'POST',
      `${server.url}/api/v2/trees/main@${main.hash}/history/merge`,
      { fromRefName: BRANCH, fromHash: head.body.reference.hash },
      as('ops'),
    );
    assert.equal(merged.status, 200, JSON.stringify(merged.body));
    const onMain = clientFor((await load('ops', 't1', 'main')).config);
    assert.equal(await get(onMain, tables.t1!.metadataKey), 200);
    assert.equal(await put(onMain, `${tables.t1!.prefix}/data/main.parquet`), 403);
  });

  it('answers /credentials with the same scoped keys, and a create with write keys for the new table', async () => {
    const r = await http('GET', `${iceberg(BRANCH)}/namespaces/db/tables/t2/credentials`, undefined, as('bi'));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const creds = r.body['storage-credentials'] as Array<{ prefix: string; config: Record<string, string> }>;
    assert.equal(creds.length, 1);
    assert.equal(creds[0]!.prefix, `s3://${BUCKET}/${tables.t2!.prefix}`);
    const bi = clientFor(creds[0]!.config);
    assert.equal(await get(bi, tables.t2!.metadataKey), 200);
    assert.equal(await get(bi, tables.t1!.metadataKey), 403);

    const created = await http(
      'POST',
      `${iceberg(BRANCH)}/namespaces/db/tables`,
      { name: 't3', schema: SCHEMA },
      { ...as('etl'), ...VENDED },
    );
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const t3 = keyOf(created.body.metadata.location as string);
    const etl = clientFor(created.body.config as Record<string, string>);
    assert.equal(await put(etl, `${t3}/data/first.parquet`), 200);
    assert.equal(await put(etl, `${tables.t1!.prefix}/data/other.parquet`), 403);
  });

  it('gives a writer limited to namespaces write keys in those only, read keys where it may only read', async () => {
    // etl writes `db` and reads `ref`: commit rights are asked for in the namespace of the table loaded.
    const auth = {
      ...TEAM_AUTH,
      roles: {
        ...TEAM_AUTH.roles,
        writer: [
          { refs: ['*'], namespaces: ['db'], allow: ['read' as const, 'write' as const] },
          { refs: ['*'], namespaces: ['ref'], allow: ['read' as const] },
        ],
      },
    };
    const scoped = await startTestServer({ auth, warehouses: stsWarehouses(s3.roleArn, 900) });
    try {
      const [ops, etl] = [bearer(await tokenFor(scoped.url, 'ops')), bearer(await tokenFor(scoped.url, 'etl'))];
      const base = `${scoped.url}/iceberg/${encodeURIComponent(BRANCH)}/v1`;
      const main = (await http('GET', `${scoped.url}/api/v2/trees/main`, undefined, ops)).body.reference;
      const made = await http(
        'POST',
        `${scoped.url}/api/v2/trees?name=${encodeURIComponent(BRANCH)}&type=BRANCH`,
        main,
        ops,
      );
      assert.ok(made.status < 300, JSON.stringify(made.body));
      const prefixes: Record<string, string> = {};
      for (const ns of ['db', 'ref']) {
        assert.equal((await http('POST', `${base}/namespaces`, { namespace: [ns] }, ops)).status, 200);
        const t = await http('POST', `${base}/namespaces/${ns}/tables`, { name: 'n', schema: SCHEMA }, ops);
        assert.equal(t.status, 200, JSON.stringify(t.body));
        prefixes[ns] = keyOf(t.body.metadata.location);
      }
      const keysFor = async (ns: string) => {
        const r = await http('GET', `${base}/namespaces/${ns}/tables/n`, undefined, { ...etl, ...VENDED });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return clientFor(r.body.config);
      };
      assert.equal(await put(await keysFor('db'), `${prefixes.db}/data/mine.parquet`), 200);
      const reading = await keysFor('ref');
      assert.equal(await list(reading, `${prefixes.ref}/`), 200);
      assert.equal(await put(reading, `${prefixes.ref}/data/not-mine.parquet`), 403);
    } finally {
      await scoped.stop();
    }
  });

  it('answers 503 CREDENTIALS_UNAVAILABLE, with no key in it, when STS refuses', async () => {
    const broken = await startTestServer({ warehouses: stsWarehouses('arn:aws:iam::000000000000:role/NoSuchRole') });
    try {
      const base = `${broken.url}/iceberg/main/v1`;
      assert.equal((await http('POST', `${base}/namespaces`, { namespace: ['db'] })).status, 200);
      const made = await http('POST', `${base}/namespaces/db/tables`, { name: 'b1', schema: SCHEMA });
      assert.equal(made.status, 200, JSON.stringify(made.body));
      const r = await http('GET', `${base}/namespaces/db/tables/b1`, undefined, VENDED);
      assert.equal(r.status, 503, JSON.stringify(r.body));
      assert.equal(r.body.error.type, 'ServiceUnavailableException');
      assert.match(r.body.error.message, /STS/);
      const text = JSON.stringify(r.body);
      assert.ok(!text.includes(s3.secretAccessKey) && !text.includes(s3.accessKeyId), text);
      // Without vended credentials asked for, loads do not need STS.
      assert.equal((await http('GET', `${base}/namespaces/db/tables/b1`)).status, 200);
    } finally {
      await broken.stop();
    }
  });

  it('lets DuckDB read a table end to end with the vended keys', async () => {
    const { python } = await ensurePythonVenv();
    // A table with one row, written by PyIceberg with a writer's vended keys.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-sts-duckdb-'));
    try {
      const script = path.join(dir, 'read.py');
      writeFileSync(script, DUCKDB_SCRIPT);
      const r = await runChecked(python, [script], {
        env: {
          ...process.env,
          CATALOG_URI: `${server.url}/iceberg/${encodeURIComponent(BRANCH)}`,
          ETL_SECRET: SECRETS.etl,
          BI_SECRET: SECRETS.bi,
        },
        killAfterMs: 300_000,
      });
      assert.match(r.stdout, /ROWS \[\(1,\), \(2,\)\]/, r.stdout + r.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * PyIceberg appends with a writer's vended keys; DuckDB then reads the table through the catalog as a reader, with
 * the iceberg extension's default access delegation (vended credentials) and the extensions of the pinned wheels.
 */
const DUCKDB_SCRIPT = `
import glob, importlib.util, os
import duckdb, pyarrow as pa
from pyiceberg.catalog import load_catalog

uri = os.environ['CATALOG_URI']
writer = load_catalog('w', type='rest', uri=uri, credential='etl:' + os.environ['ETL_SECRET'],
                      **{'header.X-Iceberg-Access-Delegation': 'vended-credentials'})
t = writer.create_table('db.duck', schema=pa.schema([pa.field('id', pa.int64())]))
t.append(pa.table({'id': pa.array([1, 2], pa.int64())}))

def extension(name):
    root = list(importlib.util.find_spec('duckdb_extension_' + name).submodule_search_locations)[0]
    return glob.glob(os.path.join(root, 'extensions', 'v' + duckdb.__version__, name + '.duckdb_extension'))[0]

con = duckdb.connect(config={'autoinstall_known_extensions': 'false', 'autoload_known_extensions': 'true'})
for ext in ('httpfs', 'avro', 'iceberg'):
    con.execute("LOAD '" + extension(ext) + "'")
con.execute("CREATE SECRET bi_secret (TYPE iceberg, CLIENT_ID 'bi', CLIENT_SECRET '" + os.environ['BI_SECRET']
            + "', OAUTH2_SERVER_URI '" + uri + "/v1/oauth/tokens')")
con.execute("ATTACH 'default' AS lake (TYPE iceberg, ENDPOINT '" + uri + "', SECRET bi_secret)")
print('ROWS', con.execute('SELECT id FROM lake.db.duck ORDER BY id').fetchall())
`;
