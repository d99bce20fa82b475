import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { S3WarehouseIO } from '@ratatouille/catalog-server';
import { startTestServer, http, type TestServer } from './support/server.ts';
import { startS3Server, type S3TestServer } from './support/s3/versitygw.ts';

const BUCKET = 'rat-catalog';
const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: false, type: 'long' },
    { id: 2, name: 'name', required: false, type: 'string' },
  ],
};
const VENDED = { 'x-iceberg-access-delegation': 'vended-credentials' };

async function headOf(server: TestServer, ref: string): Promise<string> {
  const r = await http('GET', `${server.url}/api/v2/trees/${encodeURIComponent(ref)}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.reference.hash as string;
}

async function createBranch(server: TestServer, name: string): Promise<void> {
  const hash = await headOf(server, 'main');
  const r = await http('POST', `${server.url}/api/v2/trees?name=${encodeURIComponent(name)}&type=BRANCH`, {
    type: 'BRANCH',
    name: 'main',
    hash,
  });
  assert.ok(r.status < 300, JSON.stringify(r.body));
}

async function ok(p: Promise<{ status: number; body: any }>): Promise<any> {
  const r = await p;
  assert.ok(r.status < 300, `${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Every file under a bucket's folder on the versitygw posix backend, as bucket-relative keys. */
function keysUnder(s3: S3TestServer, bucket: string, prefix: string): string[] {
  const root = path.join(s3.dataDir, bucket, ...prefix.split('/').filter(Boolean));
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(path.join(s3.dataDir, bucket), path.join(e.parentPath, e.name)));
}

describe('Iceberg catalog on an S3 warehouse (versitygw)', function () {
  this.timeout(600_000);
  let s3: S3TestServer;
  let server: TestServer;
  let iceberg: (ref: string) => string;

  before(async () => {
    s3 = await startS3Server({ buckets: [BUCKET, 'rat-second'] });
    server = await startTestServer({
      warehouses: {
        default: {
          uri: `s3://${BUCKET}/warehouse`,
          s3: {
            endpoint: s3.endpoint,
            region: s3.region,
            accessKeyId: s3.accessKeyId,
            secretAccessKey: s3.secretAccessKey,
            maxAttempts: 1,
          },
        },
        second: {
          uri: 's3://rat-second/wh',
          s3: { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        },
      },
    });
    iceberg = (ref) => `${server.url}/iceberg/${encodeURIComponent(ref)}/v1`;
  });

  after(async () => {
    await server?.stop();
    await s3?.stop();
  });

  it('writes table metadata to S3 and hands clients the S3 settings, keys only when asked', async () => {
    await ok(http('POST', `${iceberg('main')}/namespaces`, { namespace: ['meta'] }));
    const created = await ok(http('POST', `${iceberg('main')}/namespaces/meta/tables`, { name: 't', schema: SCHEMA }));
    const location: string = created['metadata-location'];
    assert.ok(location.startsWith(`s3://${BUCKET}/warehouse/`), location);
    assert.ok(keysUnder(s3, BUCKET, 'warehouse').some((k) => location.endsWith(k)));
    assert.equal(created.config['s3.endpoint'], s3.endpoint);
    assert.equal(created.config['s3.path-style-access'], 'true');
    assert.equal(created.config['client.region'], s3.region);
    assert.equal(created.config['s3.access-key-id'], undefined);

    const vended = await ok(http('GET', `${iceberg('main')}/namespaces/meta/tables/t`, undefined, VENDED));
    assert.equal(vended.config['s3.access-key-id'], s3.accessKeyId);
    assert.equal(vended.config['s3.secret-access-key'], s3.secretAccessKey);

    const creds = await ok(http('GET', `${iceberg('main')}/namespaces/meta/tables/t/credentials`));
    assert.equal(creds['storage-credentials'].length, 1);
    assert.ok(created.metadata.location.startsWith(creds['storage-credentials'][0].prefix));
    assert.equal(creds['storage-credentials'][0].config['s3.access-key-id'], s3.accessKeyId);
  });

  it('keeps several warehouses side by side, each with its own settings', async () => {
    const config = await ok(http('GET', `${iceberg('main')}/config?warehouse=second`));
    // Clients put the returned prefix after /v1/ in every request; new tables then default to that warehouse.
    assert.equal(config.overrides.prefix, 'second');
    // DuckDB sends its ATTACH name as the warehouse: an unknown name is refused rather than taken for the default.
    const unknown = await http('GET', `${iceberg('main')}/config?warehouse=nope`);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.type, 'BadRequestException');
    const byDefault = await ok(http('GET', `${iceberg('main')}/config?warehouse=default`));
    assert.equal(byDefault.overrides.prefix, undefined);
    const second = `${iceberg('main')}/${config.overrides.prefix}`;
    await ok(http('POST', `${second}/namespaces`, { namespace: ['second'] }));
    const created = await ok(http('POST', `${second}/namespaces/second/tables`, { name: 't', schema: SCHEMA }));
    assert.ok(created['metadata-location'].startsWith('s3://rat-second/wh/second/t-'), created['metadata-location']);
    assert.ok(keysUnder(s3, 'rat-second', 'wh/second').length > 0);
    // Namespaces and tables are the branch's, whichever warehouse holds the files.
    await ok(http('GET', `${iceberg('main')}/namespaces/second/tables/t`));
    // The second warehouse was configured without a region: clients still get one.
    assert.equal(created.config['client.region'], 'us-east-1');
  });

  it('refuses locations outside the configured buckets and prefixes (400, nothing written)', async () => {
    await ok(http('POST', `${iceberg('main')}/namespaces`, { namespace: ['confined'] }));
    for (const location of [
      's3://other-bucket/x',
      `s3://${BUCKET}/elsewhere/t`,
      `s3://${BUCKET}/wh/../elsewhere/t`,
      `s3://${BUCKET}/wh/%2e%2e/elsewhere/t`,
      'file:///tmp/x',
    ]) {
      const r = await http('POST', `${iceberg('main')}/namespaces/confined/tables`, {
        name: 't',
        location,
        schema: SCHEMA,
      });
      assert.equal(r.status, 400, location);
      assert.equal(r.body.error.type, 'BadRequestException');
    }
    assert.deepEqual(keysUnder(s3, BUCKET, 'elsewhere'), []);
  });

  it('purge keeps files history reaches; GC with retention 0 deletes them and nothing else (dry run agrees)', async () => {
    await ok(http('POST', `${iceberg('main')}/namespaces`, { namespace: ['purge'] }));
    const keep = await ok(http('POST', `${iceberg('main')}/namespaces/purge/tables`, { name: 'keep', schema: SCHEMA }));
    const gone = await ok(http('POST', `${iceberg('main')}/namespaces/purge/tables`, { name: 'gone', schema: SCHEMA }));
    const goneLocation: string = gone.metadata.location;
    // A data file as a writer would leave it beside the metadata (no snapshot references it: an orphan).
    const io = new S3WarehouseIO(`s3://${BUCKET}`, {}, s3.env);
    try {
      await io.write(`${goneLocation}/data/part-00000.parquet`, Buffer.from('PAR1'));
    } finally {
      io.close();
    }
    const goneKey = goneLocation.slice(`s3://${BUCKET}/`.length);
    assert.equal(keysUnder(s3, BUCKET, goneKey).length, 2);
    const r = await http('DELETE', `${iceberg('main')}/namespaces/purge/tables/gone?purgeRequested=true`);
    assert.equal(r.status, 204, JSON.stringify(r.body));
    assert.equal(r.headers.get('x-rat-purge'), 'deleted=0; retained=all', 'all history is kept by default');
    assert.equal(keysUnder(s3, BUCKET, goneKey).length, 2);

    const dry = await ok(
      http('POST', `${server.url}/api/v2/rat/gc`, { dryRun: true, keepHistory: '0', gracePeriod: '0' }),
    );
    const listed = (dry.files as Array<{ location: string }>).map((f) => f.location).sort();
    assert.ok(listed.includes(`${goneLocation}/data/part-00000.parquet`), JSON.stringify(listed));
    assert.ok(listed.includes(gone['metadata-location']), JSON.stringify(listed));
    assert.ok(!listed.some((l) => l.startsWith(`${keep.metadata.location}/`)), 'nothing of the kept table');
    assert.equal(keysUnder(s3, BUCKET, goneKey).length, 2, 'a dry run deletes nothing');
    const real = await ok(http('POST', `${server.url}/api/v2/rat/gc`, { keepHistory: '0', gracePeriod: '0' }));
    assert.deepEqual((real.files as Array<{ location: string }>).map((f) => f.location).sort(), listed);
    assert.equal(real.deleted, listed.length);
    assert.deepEqual(keysUnder(s3, BUCKET, goneKey), []);
    const keepKey = (keep.metadata.location as string).slice(`s3://${BUCKET}/`.length);
    assert.ok(keysUnder(s3, BUCKET, keepKey).length > 0, 'the other table kept its files');
    await ok(http('GET', `${iceberg('main')}/namespaces/purge/tables/keep`));
    const again = await ok(http('POST', `${server.url}/api/v2/rat/gc`, { keepHistory: '0', gracePeriod: '0' }));
    assert.equal(again.deleted, 0, 'a second run finds nothing');
  });

  it('a metadata file deleted behind the catalog: served within the recheck window, 404 after it; at once with 0', async () => {
    const s3Settings = {
      endpoint: s3.endpoint,
      region: s3.region,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      maxAttempts: 1,
    };
    const deleteBehind = (location: string) =>
      rmSync(path.join(s3.dataDir, BUCKET, ...location.slice(`s3://${BUCKET}/`.length).split('/')));
    const windowed = await startTestServer({
      warehouses: { default: { uri: `s3://${BUCKET}/recheck-window`, s3: s3Settings } },
      metadataRecheck: '3s',
    });
    const exact = await startTestServer({
      warehouses: { default: { uri: `s3://${BUCKET}/recheck-0`, s3: s3Settings } },
      metadataRecheck: '0',
    });
    try {
      for (const [srv, name] of [
        [windowed, 'windowed'],
        [exact, 'exact'],
      ] as const) {
        const base = `${srv.url}/iceberg/main/v1`;
        await ok(http('POST', `${base}/namespaces`, { namespace: ['db'] }));
        const start = Date.now();
        const created = await ok(http('POST', `${base}/namespaces/db/tables`, { name, schema: SCHEMA }));
        const url = `${base}/namespaces/db/tables/${name}`;
        const loaded = await http('GET', url);
        assert.equal(loaded.status, 200);
        deleteBehind(created['metadata-location']);
        const next = await http('GET', url);
        if (srv === windowed) {
          // This server wrote the file moments ago: it trusts that for 3 s instead of asking S3 on every load.
          assert.ok(Date.now() - start < 3000, 'the test itself was too slow to see the window');
          assert.equal(next.status, 200);
          await new Promise((r) => setTimeout(r, 3100));
        } else {
          assert.equal(next.status, 404);
        }
        const after = await http('GET', url);
        assert.equal(after.status, 404, JSON.stringify(after.body));
        assert.equal(after.body.error.type, 'NotFoundException');
        const conditional = await http('GET', url, undefined, { 'if-none-match': loaded.headers.get('etag')! });
        assert.equal(conditional.status, 404);
      }
    } finally {
      await windowed.stop();
      await exact.stop();
    }
  });

  it('S3 down: the commit fails with an Iceberg error and the branch head does not move', async () => {
    await createBranch(server, 's3-outage');
    await ok(http('POST', `${iceberg('s3-outage')}/namespaces`, { namespace: ['outage'] }));
    const created = await ok(
      http('POST', `${iceberg('s3-outage')}/namespaces/outage/tables`, { name: 't', schema: SCHEMA }),
    );
    const before = await headOf(server, 's3-outage');
    const commit = {
      requirements: [{ type: 'assert-table-uuid', uuid: created.metadata['table-uuid'] }],
      updates: [{ action: 'set-properties', updates: { k: 'v' } }],
    };
    await s3.pause();
    let failed: { status: number; body: any };
    try {
      failed = await http('POST', `${iceberg('s3-outage')}/namespaces/outage/tables/t`, commit);
    } finally {
      await s3.resume();
    }
    assert.ok(failed.status >= 400 && failed.status <= 599, `status ${failed.status}`);
    // 500/502/504 tell Java and PyIceberg "commit state unknown"; the state is known here: unchanged.
    assert.ok(![500, 502, 504].includes(failed.status), `status ${failed.status} claims an unknown commit state`);
    assert.equal(typeof failed.body.error.type, 'string');
    assert.equal(failed.body.error.code, failed.status);
    assert.equal(await headOf(server, 's3-outage'), before, 'head moved although the metadata was not written');
    const loaded = await ok(http('GET', `${iceberg('s3-outage')}/namespaces/outage/tables/t`));
    assert.equal(loaded['metadata-location'], created['metadata-location']);
    // Storage back: the same commit goes through.
    const retried = await ok(http('POST', `${iceberg('s3-outage')}/namespaces/outage/tables/t`, commit));
    assert.equal(retried.metadata.properties.k, 'v');
    assert.notEqual(await headOf(server, 's3-outage'), before);
  });

  it('wrong S3 credentials: creating a table fails with 403 STORAGE_ACCESS_DENIED and no table appears', async () => {
    const bad = await startTestServer({
      warehouses: {
        default: {
          uri: `s3://${BUCKET}/bad-creds`,
          s3: {
            endpoint: s3.endpoint,
            accessKeyId: s3.accessKeyId,
            secretAccessKey: `${s3.secretAccessKey}-wrong`,
            maxAttempts: 1,
          },
        },
      },
    });
    try {
      const badIceberg = `${bad.url}/iceberg/main/v1`;
      await ok(http('POST', `${badIceberg}/namespaces`, { namespace: ['denied'] }));
      const before = await headOf(bad, 'main');
      const r = await http('POST', `${badIceberg}/namespaces/denied/tables`, { name: 't', schema: SCHEMA });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.equal(r.body.error.type, 'ForbiddenException');
      assert.ok(!JSON.stringify(r.body).includes(`${s3.secretAccessKey}-wrong`), 'secret in the error');
      assert.equal(await headOf(bad, 'main'), before);
      assert.equal((await http('GET', `${badIceberg}/namespaces/denied/tables/t`)).status, 404);
      assert.deepEqual(keysUnder(s3, BUCKET, 'bad-creds'), []);
    } finally {
      await bad.stop();
    }
  });
});
