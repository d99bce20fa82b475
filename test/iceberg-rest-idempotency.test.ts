import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, http, type TestServer } from './support/server.ts';

/**
 * `Idempotency-Key` on Iceberg REST mutations (REST spec 1.11) against a real server: a retried request gets the
 * first outcome and changes nothing again, also after the server restarted on the same data directory; commit
 * responses carry the ETag a later load gets.
 */

const schema = {
  type: 'struct',
  fields: [{ id: 1, name: 'id', type: 'long', required: true }],
};

const SNAP = '3051729675574597004';
/** An append to a table at `location` (the manifest list is named inside it, where the catalog allows files). */
const appendBody = (location: string) =>
  `{"requirements":[{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":null}],"updates":[{"action":"add-snapshot","snapshot":{"snapshot-id":${SNAP},"sequence-number":1,"timestamp-ms":1700000000001,"manifest-list":"${location}/metadata/snap-${SNAP}.avro","summary":{"operation":"append"}}},{"action":"set-snapshot-ref","ref-name":"main","type":"branch","snapshot-id":${SNAP}}]}`;

async function send(method: string, url: string, body: string | undefined, key?: string) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, etag: res.headers.get('etag'), type: text ? JSON.parse(text)?.error?.type : null };
}

describe('Idempotency-Key on Iceberg REST mutations', function () {
  let dataDir: string;
  let server: TestServer;
  const v1 = () => `${server.url}/iceberg/v1`;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'rat-idem-'));
    server = await startTestServer({ dataDir });
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is advertised in /v1/config', async () => {
    const r = await http('GET', `${v1()}/config`);
    assert.equal(r.body['idempotency-key-lifetime'], 'PT30M');
  });

  it('a retried create returns the first outcome instead of AlreadyExists; a 4xx outcome is replayed too', async () => {
    const key = randomUUID();
    const body = JSON.stringify({ namespace: ['idem'], properties: { a: '1' } });
    const first = await send('POST', `${v1()}/namespaces`, body, key);
    assert.equal(first.status, 200);
    const again = await send('POST', `${v1()}/namespaces`, body, key);
    assert.deepEqual(again, first);
    const fresh = await send('POST', `${v1()}/namespaces`, body, randomUUID());
    assert.deepEqual([fresh.status, fresh.type], [409, 'AlreadyExistsException']);

    const failingKey = randomUUID();
    const missing = JSON.stringify({ updates: { b: '2' } });
    const failed = await send('POST', `${v1()}/namespaces/idem_later/properties`, missing, failingKey);
    assert.deepEqual([failed.status, failed.type], [404, 'NoSuchNamespaceException']);
    assert.equal((await http('POST', `${v1()}/namespaces`, { namespace: ['idem_later'] })).status, 200);
    const replayed = await send('POST', `${v1()}/namespaces/idem_later/properties`, missing, failingKey);
    assert.deepEqual(replayed, failed, 'the final 404 is the outcome of that key, even though it would succeed now');
  });

  it('the same key on another request is 422; a key that is not a UUID is 400; no key leaves requests alone', async () => {
    const key = randomUUID();
    assert.equal((await send('POST', `${v1()}/namespaces`, JSON.stringify({ namespace: ['k1'] }), key)).status, 200);
    const other = await send('POST', `${v1()}/namespaces`, JSON.stringify({ namespace: ['k2'] }), key);
    assert.deepEqual([other.status, other.type], [422, 'UnprocessableEntityException']);
    const bad = await send('POST', `${v1()}/namespaces`, JSON.stringify({ namespace: ['k3'] }), 'not-a-uuid');
    assert.deepEqual([bad.status, bad.type], [400, 'BadRequestException']);
    assert.equal((await send('POST', `${v1()}/namespaces`, JSON.stringify({ namespace: ['k4'] }))).status, 200);
    assert.equal((await send('POST', `${v1()}/namespaces`, JSON.stringify({ namespace: ['k4'] }))).status, 409);
  });

  it('concurrent duplicates run once and get the same answer', async () => {
    const key = randomUUID();
    const body = JSON.stringify({ namespace: ['concurrent'] });
    const all = await Promise.all([1, 2, 3, 4].map(() => send('POST', `${v1()}/namespaces`, body, key)));
    for (const r of all) assert.deepEqual(r, all[0]);
    assert.equal(all[0].status, 200);
  });

  it('a commit whose response was lost is applied once when retried, also after a restart; its ETag matches a load', async () => {
    assert.equal((await http('POST', `${v1()}/namespaces`, { namespace: ['db'] })).status, 200);
    const created = await http('POST', `${v1()}/namespaces/db/tables`, { name: 't', schema });
    assert.equal(created.status, 200);
    const append = appendBody(created.body.metadata.location);
    const url = () => `${v1()}/namespaces/db/tables/t`;
    const key = randomUUID();
    const first = await send('POST', url(), append, key);
    assert.equal(first.status, 200, first.text);
    assert.ok(first.etag, 'commit responses carry an ETag');
    const load = await fetch(url(), { headers: { 'if-none-match': first.etag! } });
    assert.equal(load.status, 304, 'the commit ETag is the one a full load of the new metadata has');

    const retried = await send('POST', url(), append, key);
    assert.deepEqual(retried, first);

    await server.stop();
    server = await startTestServer({ dataDir });
    const afterRestart = await send('POST', url(), append, key);
    assert.deepEqual(afterRestart, first);

    const md = (await http('GET', url())).body.metadata;
    assert.equal(md.snapshots.length, 1, 'applied once');
    assert.equal(md['metadata-log'].length, 1, 'one commit after the create');
    // Without the key, the same request runs and is refused: it really would have been applied twice.
    assert.deepEqual([(await send('POST', url(), append)).status], [409]);
  });

  it('concurrent duplicates of a commit apply it once and all get its answer byte for byte', async () => {
    assert.equal((await http('POST', `${v1()}/namespaces`, { namespace: ['dup'] })).status, 200);
    const created = await http('POST', `${v1()}/namespaces/dup/tables`, { name: 't', schema });
    assert.equal(created.status, 200);
    const append = appendBody(created.body.metadata.location);
    const url = `${v1()}/namespaces/dup/tables/t`;
    const key = randomUUID();
    const all = await Promise.all([1, 2, 3, 4].map(() => send('POST', url, append, key)));
    assert.equal(all[0].status, 200, all[0].text);
    for (const r of all) assert.deepEqual(r, all[0]);
    const md = (await http('GET', url)).body.metadata;
    assert.equal(md.snapshots.length, 1, 'applied once');
    assert.equal(md['metadata-log'].length, 1, 'one commit after the create');
  });

  it('transactions/commit and DELETE honour the key as well', async () => {
    assert.equal((await http('POST', `${v1()}/namespaces/db/tables`, { name: 'x', schema })).status, 200);
    const key = randomUUID();
    const drop = await send('DELETE', `${v1()}/namespaces/db/tables/x`, undefined, key);
    assert.equal(drop.status, 204);
    assert.equal((await send('DELETE', `${v1()}/namespaces/db/tables/x`, undefined, key)).status, 204);
    assert.equal((await send('DELETE', `${v1()}/namespaces/db/tables/x`, undefined)).status, 404);

    assert.equal((await http('POST', `${v1()}/namespaces/db/tables`, { name: 'y', schema })).status, 200);
    const txKey = randomUUID();
    const tx = JSON.stringify({
      'table-changes': [
        {
          identifier: { namespace: ['db'], name: 'y' },
          requirements: [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null }],
          updates: [{ action: 'set-properties', updates: { once: 'yes' } }],
        },
      ],
    });
    assert.equal((await send('POST', `${v1()}/transactions/commit`, tx, txKey)).status, 204);
    assert.equal((await send('POST', `${v1()}/transactions/commit`, tx, txKey)).status, 204);
    const md = (await http('GET', `${v1()}/namespaces/db/tables/y`)).body.metadata;
    assert.equal(md['metadata-log'].length, 1, 'the transaction landed once');
  });
});
