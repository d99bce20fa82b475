import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { startTestServer, http, type TestServer } from './support/server.ts';

/**
 * The management API's OpenAPI document (`GET /api/v2/openapi.json`, generated from the routes' zod schemas) checked
 * against the real server: a walk through the main endpoints (references, commit, log, entries, contents, diff, merge,
 * transplant, reflog, GC, code links, errors) validates every response body against the schema the document gives
 * for that operation and status.
 */

type Json = Record<string, any>;

describe('management API OpenAPI document against real responses', function () {
  let server: TestServer;
  let doc: Json;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  const validators = new Map<string, ValidateFunction>();
  const checked = new Set<string>();
  const api = (p: string) => `${server.url}/api/v2${p}`;

  /** Calls `method path` and validates the answer against the document's operation `template`. */
  async function call(method: string, template: string, path: string, body?: unknown) {
    const res = await http(method, api(path), body);
    const op = doc.paths[template]?.[method.toLowerCase()];
    assert.ok(op, `the document has ${method} ${template}`);
    if (res.status === 204) {
      assert.ok(op.responses['204'], `${method} ${template} documents its 204`);
      checked.add(`${method} ${template}`);
      return res;
    }
    const ok = res.status === 200;
    const id = ok ? `${method} ${template}` : 'error';
    let validate = validators.get(id);
    if (!validate) {
      const schema = ok ? op.responses['200'].content['application/json'].schema : doc.components.schemas.Error;
      validate = ajv.compile(schema);
      validators.set(id, validate);
    }
    assert.ok(
      validate(res.body),
      `${method} ${path} → ${res.status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body).slice(0, 600)}`,
    );
    if (ok) checked.add(`${method} ${template}`);
    return res;
  }

  before(async () => {
    server = await startTestServer();
    const res = await http('GET', api('/openapi.json'));
    assert.equal(res.status, 200);
    doc = res.body;
  });
  after(async () => {
    await server?.stop();
  });

  it('is an OpenAPI 3.1 document of the management API', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.servers, [{ url: '/api/v2' }]);
    assert.ok(Object.keys(doc.paths).length >= 15);
  });

  it('describes the real responses of the main endpoints', async () => {
    const ice = `${server.url}/iceberg/v1`;
    assert.equal((await http('POST', `${ice}/namespaces`, { namespace: ['shop'] })).status, 200);
    const schema = { type: 'struct', fields: [{ id: 1, name: 'x', required: false, type: 'int' }] };
    assert.equal((await http('POST', `${ice}/namespaces/shop/tables`, { name: 'orders', schema })).status, 200);

    await call('GET', '/config', '/config');
    const main = (await call('GET', '/trees/{ref}', '/trees/main')).body.reference.hash as string;
    await call('POST', '/trees', '/trees?name=dev&type=BRANCH', { type: 'BRANCH', name: 'main', hash: main });
    await call('GET', '/trees', '/trees');

    const put = (elements: string[]) => ({
      commitMeta: { message: `put ${elements.join('.')}`, authors: ['ana'], allProperties: { p: ['1'] } },
      operations: [{ type: 'PUT', key: { elements }, content: { type: 'NAMESPACE', elements } }],
    });
    let dev = (await call('POST', '/trees/{ref}/history/commit', `/trees/dev@${main}/history/commit`, put(['a']))).body
      .targetBranch.hash as string;
    dev = (await call('POST', '/trees/{ref}/history/commit', `/trees/dev@${dev}/history/commit`, put(['b']))).body
      .targetBranch.hash;

    await call('GET', '/trees/{ref}/history', '/trees/dev/history');
    await call('GET', '/trees/{ref}/history', '/trees/dev/history?fetch=ALL');
    await call('GET', '/trees', '/trees?fetch=ALL');
    await call('GET', '/trees/{ref}', '/trees/dev?fetch=ALL');
    await call(
      'GET',
      '/trees/{ref}/history',
      `/trees/dev/history?filter=${encodeURIComponent("commit.message != ''")}`,
    );
    await call('GET', '/trees/{ref}/recent-changes', '/trees/dev/recent-changes');
    await call('GET', '/trees/{ref}/entries', '/trees/main/entries?content=true');
    await call('GET', '/trees/{ref}/entries', `/trees/dev@${dev}/entries`);
    await call('GET', '/trees/{ref}/contents/{key}', '/trees/main/contents/shop.orders');
    await call('GET', '/trees/{ref}/contents/{key}', '/trees/main/contents/shop');
    await call('GET', '/trees/{ref}/contents', '/trees/main/contents?key=shop.orders&key=missing');
    await call('POST', '/trees/{ref}/contents', `/trees/@${main}/contents`, {
      requestedKeys: [{ elements: ['shop', 'orders'] }],
    });
    await call('GET', '/trees/{from}/diff/{to}', '/trees/main/diff/dev');

    const devLog = (await http('GET', api('/trees/dev/history'))).body.logEntries as Json[];
    const firstOnDev = devLog[devLog.length - 1]!.commitMeta.hash as string;
    const transplanted = await call(
      'POST',
      '/trees/{ref}/history/transplant',
      `/trees/main@${main}/history/transplant`,
      {
        fromRefName: 'dev',
        hashesToTransplant: [firstOnDev],
      },
    );
    const afterTransplant = transplanted.body.resultantTargetHash as string;
    await call('POST', '/trees/{ref}/history/merge', `/trees/main@${afterTransplant}/history/merge?rat-details=true`, {
      fromRefName: 'dev',
      fromHash: dev,
      isDryRun: true,
    });
    const merged = await call('POST', '/trees/{ref}/history/merge', `/trees/main@${afterTransplant}/history/merge`, {
      fromRefName: 'dev',
      fromHash: dev,
      message: 'merge dev',
    });
    assert.equal(merged.body.wasApplied, true);
    const reverted = await call('POST', '/trees/{ref}/history/revert', `/trees/dev@${dev}/history/revert`, {
      hash: dev,
      dryRun: true,
    });
    assert.deepEqual(reverted.body.operations, [{ type: 'DELETE', key: { elements: ['b'] } }]);

    // A table unregistered through the Iceberg REST API is listed as released, then taken back.
    assert.equal((await http('POST', `${ice}/namespaces/shop/tables`, { name: 'moved', schema })).status, 200);
    const unregistered = await http('POST', `${ice}/namespaces/shop/tables/moved/unregister`);
    assert.equal(unregistered.status, 200);
    const released = await call('GET', '/rat/released-tables', '/rat/released-tables?maxRecords=10');
    assert.deepEqual(
      released.body.releasedTables.map((r: Json) => r.metadataLocation),
      [unregistered.body['metadata-location']],
    );
    const where = encodeURIComponent(unregistered.body['metadata-location']);
    await call('DELETE', '/rat/released-tables', `/rat/released-tables?metadataLocation=${where}`);

    await call('GET', '/rat/reflog', '/rat/reflog?ref=main');
    await call('POST', '/rat/gc', '/rat/gc', { dryRun: true, gracePeriod: '0' });

    const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
    await call('PUT', '/git/links/{sha}', `/git/links/${sha}`, { dataRef: 'main', dataHash: dev, codeBranch: 'main' });
    await call('GET', '/git/links/{sha}', `/git/links/${sha}`);
    await call('GET', '/git/links', `/git/links?dataHash=${dev}`);
    await call('GET', '/git/pending-merges', '/git/pending-merges?target=main');
    await call('DELETE', '/git/pending-merges/{id}', '/git/pending-merges/0123456789abcdef?target=main');

    await call('PUT', '/trees/{ref}', `/trees/dev@${dev}?type=BRANCH`, { type: 'BRANCH', name: 'main', hash: main });
    await call('DELETE', '/trees/{ref}', `/trees/dev@${main}?type=BRANCH`);

    // Every documented operation was answered and matched its schema.
    const documented = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.keys(item as Json).map((m) => `${m.toUpperCase()} ${p}`),
    );
    assert.deepEqual(
      documented.filter((o) => !checked.has(o)),
      [],
    );
  });

  it('describes the error bodies: a missing reference, a bad request, a conflict', async () => {
    assert.equal((await call('GET', '/trees/{ref}', '/trees/nope')).status, 404);
    assert.equal((await call('GET', '/trees/{ref}/history', '/trees/main/history?max-records=abc')).status, 400);
    const head = (await http('GET', api('/trees/main'))).body.reference.hash as string;
    const stale = `0${head.slice(1)}` === head ? `1${head.slice(1)}` : `0${head.slice(1)}`;
    const r = await call('POST', '/trees/{ref}/history/commit', `/trees/main@${stale}/history/commit`, {
      commitMeta: { message: 'x' },
      operations: [{ type: 'DELETE', key: { elements: ['shop', 'orders'] } }],
    });
    assert.ok(r.status === 404 || r.status === 409, JSON.stringify(r.body));
  });
});
