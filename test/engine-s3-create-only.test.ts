/**
 * The engine's uploads under remote signing's create-only writes (`If-None-Match: *`), against versitygw: an upload
 * whose first attempt landed but whose answer was lost is retried, meets 412, finds its own object and succeeds; an
 * upload that finds another object under its name fails with FILE_COLLISION and replaces nothing. S3 is reached
 * through a proxy that can lose S3's answer after the request took effect (test/support/s3/answer-losing-proxy.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEngine } from '@ratatouille/engine';
import { s3StoreWith, type S3Store } from '../engine/src/iceberg/s3-store.ts';
import { http, type TestServer } from './support/server.ts';
import type { S3TestServer } from './support/s3/versitygw.ts';
import { startSigningCatalog } from './support/s3/signing-catalog.ts';
import { startAnswerLosingProxy, type AnswerLosingProxy } from './support/s3/answer-losing-proxy.ts';
import { SECRETS, bearer, tokenFor, useAuthEnv } from './support/auth.ts';

const BUCKET = 'rat-create-only';
const BRANCH = 'team/x';
const SCHEMA = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' }] };

describe('engine uploads under create-only writes (versitygw, remote signing, answers lost on the way back)', function () {
  this.timeout(600_000);
  let s3: S3TestServer;
  let server: TestServer;
  let stop: () => Promise<void>;
  let proxy: AnswerLosingProxy;
  let store: S3Store;
  let location: string;
  let dir: string;
  const credentials = useAuthEnv();
  const iceberg = () => `${server.url}/iceberg/${encodeURIComponent(BRANCH)}/v1`;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'retry-create-only-'));
    proxy = await startAnswerLosingProxy();
    ({ s3, server, stop } = await startSigningCatalog(BUCKET, {
      branch: BRANCH,
      clientEndpoint: (started) => {
        proxy.forwardTo(started.endpoint);
        return proxy.url;
      },
    }));
    const etl = bearer(await tokenFor(server.url, 'etl'));
    const t = await http('POST', `${iceberg()}/namespaces/db/tables`, { name: 't', schema: SCHEMA }, etl);
    assert.equal(t.status, 200, JSON.stringify(t.body));
    location = t.body.metadata.location as string;
    // The engine's S3 store as files.ts builds it for a table the catalog signs for, reaching S3 through the proxy.
    store = s3StoreWith(
      () => ({ 's3.endpoint': proxy.url, 's3.region': s3.region, 's3.path-style-access': 'true' }),
      () => ({
        url: `${iceberg()}/namespaces/db/tables/t/sign`,
        auth: { server: server.url, credentials: { clientId: 'etl', clientSecret: SECRETS.etl } },
      }),
    );
  });

  beforeEach(() => {
    proxy.log.length = 0;
    proxy.loseAnswerWhen(() => false);
  });

  after(async () => {
    await stop?.();
    await proxy?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** What S3 holds at a location (versitygw's posix backend keeps each object as a file). */
  const stored = (at: string) => readFileSync(path.join(s3.dataDir, at.slice('s3://'.length))).toString();
  const keyOf = (at: string) => `/${at.slice('s3://'.length)}`;
  const local = (name: string, content: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, content);
    return p;
  };

  /** Writes an object through a request the catalog signed (create-only), as another writer or a landed attempt. */
  const putSigned = async (at: string, content: string) => {
    const uri = `${s3.endpoint}${keyOf(at)}`;
    const signed = await http(
      'POST',
      `${iceberg()}/namespaces/db/tables/t/sign`,
      { region: s3.region, method: 'PUT', uri, headers: {} },
      bearer(await tokenFor(server.url, 'etl')),
    );
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    const headers = Object.fromEntries(
      Object.entries(signed.body.headers as Record<string, string[]>).map(([k, v]) => [k, v.join(',')]),
    );
    const res = await fetch(uri, { method: 'PUT', headers, body: content });
    assert.equal(res.status, 200, await res.text());
  };

  it('the object is already there with the same bytes (a landed first attempt): put and putFile succeed', async () => {
    const manifest = `${location}/metadata/landed-m0.avro`;
    await putSigned(manifest, 'manifest bytes');
    await store.put(manifest, Buffer.from('manifest bytes'));
    const data = `${location}/data/landed.parquet`;
    await putSigned(data, 'PAR1 landed PAR1');
    await store.putFile(data, local('landed.parquet', 'PAR1 landed PAR1'));
    assert.deepEqual(
      proxy.log.map((r) => `${r.method} ${r.path} ${r.status}`),
      [
        `PUT ${keyOf(manifest)} 412`,
        `HEAD ${keyOf(manifest)} 200`,
        `PUT ${keyOf(data)} 412`,
        `HEAD ${keyOf(data)} 200`,
      ],
      'refused as create-only, then checked by size and ETag',
    );
    assert.equal(stored(data), 'PAR1 landed PAR1');
  });

  it('another object under the name: FILE_COLLISION, and the object is left as it was', async () => {
    const data = `${location}/data/taken.parquet`;
    await putSigned(data, 'PAR1 theirs PAR1');
    const collision = (err: { code?: string; data?: { location?: string; size?: number; existingSize?: number } }) =>
      err.code === 'FILE_COLLISION' && err.data?.location === data && err.data.existingSize === 16;
    await assert.rejects(store.putFile(data, local('taken.parquet', 'PAR1 mine PAR1')), collision);
    await assert.rejects(store.put(data, Buffer.from('PAR1 mine PAR1')), collision);
    // Same size, other bytes: only reading the object back can tell, and it does.
    await assert.rejects(store.put(data, Buffer.from('PAR1 other PAR1!')), collision);
    assert.equal(stored(data), 'PAR1 theirs PAR1');
  });

  it("S3's answer to the first PUT is lost: the retry meets 412 and the upload succeeds (SDK and engine retries)", async () => {
    const lostOnce = new Set<string>();
    proxy.loseAnswerWhen((r) => r.method === 'PUT' && !lostOnce.has(r.path) && !!lostOnce.add(r.path));
    const manifest = `${location}/metadata/lost-m0.avro`;
    await store.put(manifest, Buffer.from('manifest bytes'));
    const data = `${location}/data/lost.parquet`;
    await store.putFile(data, local('lost.parquet', 'PAR1 lost PAR1'));
    for (const at of [manifest, data]) {
      assert.deepEqual(
        proxy.log.filter((r) => r.path === keyOf(at)).map((r) => `${r.method} ${r.status}`),
        ['PUT lost', 'PUT 412', 'HEAD 200'],
        at,
      );
    }
    assert.equal(stored(manifest), 'manifest bytes');
    assert.equal(stored(data), 'PAR1 lost PAR1');
  });

  it('a transform through the engine succeeds when the answer to every first PUT is lost', async () => {
    const lostOnce = new Set<string>();
    proxy.loseAnswerWhen((r) => r.method === 'PUT' && !lostOnce.has(r.path) && !!lostOnce.add(r.path));
    credentials({ RAT_CLIENT_ID: 'etl', RAT_CLIENT_SECRET: SECRETS.etl, RAT_TOKEN: '' });
    const eng = await openEngine({ server: server.url, branch: BRANCH });
    try {
      const w = await eng.transform({
        sql: `SELECT i::BIGINT AS id, 'v' || i AS v FROM range(0, 100) t(i)`,
        target: 'silver.retried',
        materialized: 'table',
      });
      assert.ok(w && w.addedFiles > 0, JSON.stringify(w));
      const [{ n }] = await eng.query('SELECT count(*) AS n FROM silver.retried');
      assert.equal(Number(n), 100);
    } finally {
      await eng.close();
    }
    const puts = proxy.log.filter((r) => r.method === 'PUT');
    const lost = puts.filter((r) => r.status === 'lost').map((r) => r.path);
    assert.ok(
      lost.some((p) => /\/data\/.*\.parquet$/.test(p)),
      `a data file's answer was lost: ${lost.join(', ')}`,
    );
    assert.ok(
      lost.some((p) => /\/metadata\/snap-.*\.avro$/.test(p)),
      `a manifest list's answer was lost: ${lost.join(', ')}`,
    );
    assert.ok(
      lost.some((p) => /\/metadata\/(?!snap-).*\.avro$/.test(p)),
      `a manifest's answer was lost: ${lost.join(', ')}`,
    );
    for (const p of lost) {
      assert.deepEqual(
        proxy.log.filter((r) => r.path === p && r.method !== 'GET').map((r) => `${r.method} ${r.status}`),
        ['PUT lost', 'PUT 412', 'HEAD 200'],
        p,
      );
    }
  });
});
