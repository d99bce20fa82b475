import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import yaml from 'js-yaml';
import { startTestServer, type TestServer } from './support/server.ts';
import { icebergSpecPath } from './support/spec-path.ts';
import { appendCommit, APPEND_SCHEMA, newTableState } from './support/iceberg-appends.ts';
import { putUdf, udfMetadata, writeWarehouseJson } from './support/udf.ts';

/**
 * Response-shape check of every Iceberg REST endpoint the server advertises in `GET /v1/config`, against the
 * Apache Iceberg OpenAPI spec (found by `support/spec-path.ts`: `RAT_ICEBERG_SPEC`, `../shared/specs/`, the workplace's).
 * Each response's status must be one the spec documents for that operation, and its JSON body must validate
 * against the schema the spec gives for that status.
 */

type Json = Record<string, any>;

interface Operation {
  method: string;
  template: string; // spec path, e.g. /v1/{prefix}/namespaces/{namespace}
  regex: RegExp; // matches the server path without a prefix segment
  responses: Json;
}

class SpecChecker {
  private readonly spec: Json;
  private readonly ajv: InstanceType<typeof Ajv2020>;
  private readonly ops: Operation[] = [];
  private readonly validators = new Map<string, ValidateFunction>();
  /** "METHOD /v1/{prefix}/..." of each operation answered with a 2xx/304, for the coverage check. */
  readonly exercised = new Set<string>();

  constructor(specText: string) {
    this.spec = yaml.load(specText) as Json;
    this.ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    this.ajv.addSchema({ $id: 'spec', components: { schemas: this.spec.components.schemas } });
    for (const [template, item] of Object.entries<Json>(this.spec.paths)) {
      for (const method of ['get', 'post', 'put', 'delete', 'head']) {
        if (!item[method]) continue;
        // This server takes no prefix (its config returns none), so `/{prefix}` is absent from its paths.
        const pattern = template
          .replace('/{prefix}', '')
          .split('/')
          .map((seg) => (seg.startsWith('{') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
          .join('/');
        this.ops.push({
          method: method.toUpperCase(),
          template,
          regex: new RegExp(`^${pattern}$`),
          responses: item[method].responses,
        });
      }
    }
  }

  /** The `endpoints` entry spelling of the operation answering `method path` (path relative to the catalog). */
  operation(method: string, relPath: string): Operation {
    const op = this.ops.find((o) => o.method === method && o.regex.test(relPath));
    if (!op) throw new Error(`no operation in the spec for ${method} ${relPath}`);
    return op;
  }

  private resolve(obj: Json): Json {
    let cur = obj;
    while (cur && typeof cur.$ref === 'string') {
      const parts = (cur.$ref as string).replace(/^#\//, '').split('/');
      cur = parts.reduce((o: Json, p: string) => o[p], this.spec);
    }
    return cur;
  }

  /** Checks one response; returns the problems found (empty = conforms). */
  check(method: string, relPath: string, status: number, contentType: string | null, body: unknown): string[] {
    const op = this.operation(method, relPath);
    const key = `${op.method} ${op.template}`;
    const documented = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
    if (!documented) {
      return [`${key}: status ${status} is not documented (documented: ${Object.keys(op.responses).join(', ')})`];
    }
    if ((status >= 200 && status < 300) || status === 304) this.exercised.add(key);
    const response = this.resolve(documented);
    let schema = response.content?.['application/json']?.schema;
    // A few operations (e.g. loadView 404) name the bare ErrorModel as the schema while their own examples, the
    // other operations and every client use the IcebergErrorResponse wrapper {"error": {...}}: follow those.
    if (schema?.$ref === '#/components/schemas/ErrorModel')
      schema = { $ref: '#/components/schemas/IcebergErrorResponse' };
    // HEAD responses never carry a body (HTTP), whatever the spec lists for the status.
    if (method === 'HEAD') schema = undefined;
    if (!schema) {
      return body === null || body === '' ? [] : [`${key} ${status}: the spec documents no body, got one`];
    }
    const problems: string[] = [];
    if (!contentType?.includes('application/json')) problems.push(`${key} ${status}: content-type ${contentType}`);
    const cacheKey = JSON.stringify(schema);
    let validate = this.validators.get(cacheKey);
    if (!validate) {
      validate = this.ajv.compile(rewriteRefs(schema) as object);
      this.validators.set(cacheKey, validate);
    }
    if (!validate(body)) {
      problems.push(`${key} ${status}: ${this.ajv.errorsText(validate.errors, { separator: '\n  ' })}`);
    }
    return problems;
  }
}

/** Points the spec's local `#/components/...` refs at the schema registered as `spec`. */
function rewriteRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (schema && typeof schema === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(schema)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `spec${v}` : rewriteRefs(v);
    }
    return out;
  }
  return schema;
}

describe('Iceberg REST responses conform to the OpenAPI spec', function () {
  let server: TestServer;
  let checker: SpecChecker;
  let advertised: string[] = [];
  const problems: string[] = [];

  /** Sends a request to /iceberg/v1/..., validates the response against the spec and returns it. */
  async function call(method: string, relPath: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${server.url}/iceberg${relPath}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text === '' ? null : text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep text; the checker reports it
    }
    const found = checker.check(method, relPath.split('?')[0], res.status, res.headers.get('content-type'), parsed);
    problems.push(...found);
    return { status: res.status, body: parsed, headers: res.headers, problems: found };
  }
  const ok = (r: { problems: string[] }) => assert.deepEqual(r.problems, []);

  const schema = {
    type: 'struct',
    'schema-id': 0,
    fields: [
      { id: 1, name: 'id', type: 'long', required: false },
      { id: 2, name: 'region', type: 'string', required: false },
    ],
  };
  const ns = 'shape';
  let tableUuid = '';
  let metadataLocation = '';

  before(async () => {
    const SPEC_PATH = icebergSpecPath();
    console.log(`    spec: ${SPEC_PATH}`);
    checker = new SpecChecker(readFileSync(SPEC_PATH, 'utf8'));
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('GET /v1/config', async () => {
    const r = await call('GET', '/v1/config');
    assert.equal(r.status, 200);
    ok(r);
    advertised = r.body.endpoints ?? [];
    assert.ok(advertised.length > 0, 'config lists its endpoints');
    ok(await call('GET', '/v1/config?warehouse=default'));
  });

  it('namespaces: create, list (paged), load, exists, properties, drop', async () => {
    const c = await call('POST', '/v1/namespaces', { namespace: [ns], properties: { a: '1' } });
    assert.equal(c.status, 200);
    ok(c);
    for (const extra of ['other', 'third']) ok(await call('POST', '/v1/namespaces', { namespace: [extra] }));
    ok(await call('POST', '/v1/namespaces', { namespace: [ns, 'child'] }));
    const page1 = await call('GET', '/v1/namespaces?pageSize=2');
    assert.equal(page1.status, 200);
    ok(page1);
    assert.equal(page1.body.namespaces.length, 2);
    assert.ok(page1.body['next-page-token'], 'a second page exists');
    const page2 = await call(
      'GET',
      `/v1/namespaces?pageSize=2&pageToken=${encodeURIComponent(page1.body['next-page-token'])}`,
    );
    ok(page2);
    assert.equal(page2.body.namespaces.length, 1);
    ok(await call('GET', `/v1/namespaces?parent=${ns}`));
    ok(await call('GET', `/v1/namespaces/${ns}`));
    const head = await call('HEAD', `/v1/namespaces/${ns}`);
    assert.equal(head.status, 204);
    ok(head);
    const props = await call('POST', `/v1/namespaces/${ns}/properties`, { updates: { b: '2' }, removals: ['a', 'x'] });
    assert.equal(props.status, 200);
    ok(props);
    const drop = await call('DELETE', '/v1/namespaces/third');
    assert.equal(drop.status, 204);
    ok(drop);
  });

  it('namespace errors: 404, 409 (exists, not empty), 400', async () => {
    const missing = await call('GET', '/v1/namespaces/nope');
    assert.equal(missing.status, 404);
    ok(missing);
    ok(await call('HEAD', '/v1/namespaces/nope'));
    const dup = await call('POST', '/v1/namespaces', { namespace: [ns] });
    assert.equal(dup.status, 409);
    ok(dup);
    const notEmpty = await call('DELETE', `/v1/namespaces/${ns}`);
    assert.equal(notEmpty.status, 409);
    ok(notEmpty);
    const bad = await call('POST', '/v1/namespaces', { namespace: 'not-a-list' });
    assert.equal(bad.status, 400);
    ok(bad);
  });

  it('tables: create, stage-create, list, load (ETag/304), exists, commit, credentials, metrics', async () => {
    const c = await call('POST', `/v1/namespaces/${ns}/tables`, {
      name: 't',
      schema,
      location: null,
      'partition-spec': {
        'spec-id': 0,
        fields: [{ 'source-id': 2, 'field-id': 1000, name: 'region', transform: 'identity' }],
      },
      properties: { p: '1' },
    });
    assert.equal(c.status, 200);
    ok(c);
    tableUuid = c.body.metadata['table-uuid'];
    metadataLocation = c.body['metadata-location'];
    const staged = await call('POST', `/v1/namespaces/${ns}/tables`, { name: 'staged', schema, 'stage-create': true });
    assert.equal(staged.status, 200);
    ok(staged);
    ok(await call('GET', `/v1/namespaces/${ns}/tables?pageSize=10`));
    const load = await call('GET', `/v1/namespaces/${ns}/tables/t?snapshots=all`);
    assert.equal(load.status, 200);
    ok(load);
    const etag = load.headers.get('etag');
    assert.ok(etag, 'loadTable sends an ETag');
    const notModified = await call('GET', `/v1/namespaces/${ns}/tables/t`, undefined, { 'if-none-match': etag });
    assert.equal(notModified.status, 304);
    ok(notModified);
    ok(await call('GET', `/v1/namespaces/${ns}/tables/t?snapshots=refs`));
    const head = await call('HEAD', `/v1/namespaces/${ns}/tables/t`);
    assert.equal(head.status, 204);
    ok(head);
    const commit = await call('POST', `/v1/namespaces/${ns}/tables/t`, {
      requirements: [{ type: 'assert-table-uuid', uuid: tableUuid }],
      updates: [{ action: 'set-properties', updates: { q: '2' } }],
    });
    assert.equal(commit.status, 200);
    ok(commit);
    metadataLocation = commit.body['metadata-location'];
    const creds = await call('GET', `/v1/namespaces/${ns}/tables/t/credentials`);
    assert.equal(creds.status, 200);
    ok(creds);
    const metrics = await call('POST', `/v1/namespaces/${ns}/tables/t/metrics`, {
      'report-type': 'commit-report',
      'table-name': `${ns}.t`,
      'snapshot-id': 1,
      'sequence-number': 1,
      operation: 'append',
      metrics: {},
    });
    assert.equal(metrics.status, 204);
    ok(metrics);
  });

  it('table errors: 404 (missing table, missing namespace), 409 (exists, failed requirement)', async () => {
    const missing = await call('GET', `/v1/namespaces/${ns}/tables/nope`);
    assert.equal(missing.status, 404);
    ok(missing);
    const missingNs = await call('POST', '/v1/namespaces/nope/tables', { name: 'x', schema });
    assert.equal(missingNs.status, 404);
    ok(missingNs);
    const exists = await call('POST', `/v1/namespaces/${ns}/tables`, { name: 't', schema });
    assert.equal(exists.status, 409);
    ok(exists);
    const conflict = await call('POST', `/v1/namespaces/${ns}/tables/t`, {
      requirements: [{ type: 'assert-table-uuid', uuid: '00000000-0000-0000-0000-000000000000' }],
      updates: [{ action: 'set-properties', updates: { lost: '1' } }],
    });
    assert.equal(conflict.status, 409);
    ok(conflict);
  });

  it('register, rename, transactions/commit, unregister, drop (plain and purge)', async () => {
    const reg = await call('POST', `/v1/namespaces/${ns}/register`, {
      name: 'reg',
      'metadata-location': metadataLocation,
    });
    assert.equal(reg.status, 200);
    ok(reg);
    const rename = await call('POST', '/v1/tables/rename', {
      source: { namespace: [ns], name: 'reg' },
      destination: { namespace: ['other'], name: 'reg2' },
    });
    assert.equal(rename.status, 204);
    ok(rename);
    const txn = await call('POST', '/v1/transactions/commit', {
      'table-changes': [
        {
          identifier: { namespace: [ns], name: 't' },
          requirements: [{ type: 'assert-table-uuid', uuid: tableUuid }],
          updates: [{ action: 'set-properties', updates: { txn: '1' } }],
        },
      ],
    });
    assert.equal(txn.status, 204);
    ok(txn);
    const unregistered = await call('POST', '/v1/namespaces/other/tables/reg2/unregister');
    assert.equal(unregistered.status, 200);
    ok(unregistered);
    const notThere = await call('POST', '/v1/namespaces/other/tables/reg2/unregister');
    assert.equal(notThere.status, 404);
    ok(notThere);
    const back = await call('POST', '/v1/namespaces/other/register', {
      name: 'reg2',
      'metadata-location': unregistered.body['metadata-location'],
    });
    assert.equal(back.status, 200);
    const drop = await call('DELETE', '/v1/namespaces/other/tables/reg2');
    assert.equal(drop.status, 204);
    ok(drop);
    const purge = await call('DELETE', `/v1/namespaces/${ns}/tables/t?purgeRequested=true`);
    assert.equal(purge.status, 204);
    ok(purge);
    const gone = await call('DELETE', `/v1/namespaces/${ns}/tables/t`);
    assert.equal(gone.status, 404);
    ok(gone);
  });

  it('scan planning: a plan with its files, a plan in plan tasks, their tasks, and a refused task', async () => {
    const c = await call('POST', `/v1/namespaces/${ns}/tables`, { name: 'scanned', schema: APPEND_SCHEMA });
    assert.equal(c.status, 200);
    let state = newTableState(c.body.metadata.location);
    const path = `/v1/namespaces/${ns}/tables/scanned`;
    const empty = await call('POST', `${path}/plan`, {});
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body['file-scan-tasks'], []);
    ok(empty);
    // Each append adds a manifest: five are more than a plan answers with at once.
    for (let i = 0; i < 5; i++) {
      const { body, next } = appendCommit(state);
      assert.equal((await call('POST', path, body)).status, 200);
      state = next;
      if (i === 0) {
        // A filter without numbers: the spec's PrimitiveTypeValue is a oneOf that any number matches more than once.
        const inline = await call('POST', `${path}/plan`, { filter: { type: 'not-null', term: 'id' } });
        assert.equal(inline.status, 200);
        assert.equal(inline.body.status, 'completed');
        assert.equal(inline.body['file-scan-tasks'].length, 1);
        ok(inline);
      }
    }
    const planned = await call('POST', `${path}/plan`, { 'case-sensitive': false, select: ['ID'] });
    assert.equal(planned.status, 200);
    assert.equal(planned.body['plan-tasks'].length, 5);
    ok(planned);
    // A pushed-down LIMIT: the first manifest holds enough rows, so the plan needs it alone.
    const limited = await call('POST', `${path}/plan`, { 'min-rows-requested': 1 });
    assert.equal(limited.status, 200);
    assert.equal(limited.body['file-scan-tasks'].length, 1);
    ok(limited);
    const tasks = await call('POST', `${path}/tasks`, { 'plan-task': planned.body['plan-tasks'][0] });
    assert.equal(tasks.status, 200);
    assert.equal(tasks.body['file-scan-tasks'].length, 1);
    ok(tasks);
    const gone = await call('POST', `${path}/tasks`, { 'plan-task': 'not-a-task' });
    assert.equal(gone.status, 404);
    ok(gone);
    // Every plan is completed in its answer: a plan id to fetch or cancel is never this catalog's.
    for (const method of ['GET', 'DELETE']) {
      const byId = await call(method, `${path}/plan/p-1`);
      assert.equal(byId.status, 404, method);
      assert.equal(byId.body.error.type, 'NoSuchPlanIdException');
      ok(byId);
      const noTable = await call(method, `/v1/namespaces/${ns}/tables/nope/plan/p-1`);
      assert.equal(noTable.body.error.type, 'NoSuchTableException');
      ok(noTable);
    }
    const bad = await call('POST', `${path}/plan`, { filter: { type: 'eq', term: 'nope', value: 1 } });
    assert.equal(bad.status, 400);
    ok(bad);
  });

  it('views: create, list, load, exists, replace, rename, drop, errors', async () => {
    const version = {
      'version-id': 1,
      'timestamp-ms': 1767225600000,
      'schema-id': 0,
      summary: { 'engine-name': 'shape-test' },
      representations: [{ type: 'sql', sql: 'SELECT 1 AS id', dialect: 'spark' }],
      'default-namespace': [ns],
    };
    const c = await call('POST', `/v1/namespaces/${ns}/views`, {
      name: 'v',
      schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', type: 'int', required: false }] },
      'view-version': version,
      properties: {},
    });
    assert.equal(c.status, 200);
    ok(c);
    ok(await call('GET', `/v1/namespaces/${ns}/views`));
    const load = await call('GET', `/v1/namespaces/${ns}/views/v`);
    assert.equal(load.status, 200);
    ok(load);
    const head = await call('HEAD', `/v1/namespaces/${ns}/views/v`);
    assert.equal(head.status, 204);
    ok(head);
    const replace = await call('POST', `/v1/namespaces/${ns}/views/v`, {
      requirements: [{ type: 'assert-view-uuid', uuid: c.body.metadata['view-uuid'] }],
      updates: [{ action: 'set-properties', updates: { comment: 'replaced' } }],
    });
    assert.equal(replace.status, 200);
    ok(replace);
    const rename = await call('POST', '/v1/views/rename', {
      source: { namespace: [ns], name: 'v' },
      destination: { namespace: [ns], name: 'v2' },
    });
    assert.equal(rename.status, 204);
    ok(rename);
    const missing = await call('GET', `/v1/namespaces/${ns}/views/v`);
    assert.equal(missing.status, 404);
    ok(missing);
    const loaded = await call('GET', `/v1/namespaces/${ns}/views/v2`);
    ok(loaded);
    const drop = await call('DELETE', `/v1/namespaces/${ns}/views/v2`);
    assert.equal(drop.status, 204);
    ok(drop);
    const reg = await call('POST', `/v1/namespaces/${ns}/register-view`, {
      name: 'v3',
      'metadata-location': loaded.body['metadata-location'],
    });
    assert.equal(reg.status, 200);
    ok(reg);
    const dup = await call('POST', `/v1/namespaces/${ns}/register-view`, {
      name: 'v3',
      'metadata-location': loaded.body['metadata-location'],
    });
    assert.equal(dup.status, 409);
    ok(dup);
  });

  it('functions: list (paged), load, errors', async () => {
    for (const name of ['add_one', 'add_two']) {
      const location = writeWarehouseJson(server.dataDir, `${ns}/${name}/metadata/00000.metadata.json`, udfMetadata());
      const put = await putUdf(server.url, 'main', [ns, name], { metadataLocation: location });
      assert.equal(put.status, 200, JSON.stringify(put.body));
    }
    const page1 = await call('GET', `/v1/namespaces/${ns}/functions?pageSize=1`);
    assert.equal(page1.status, 200);
    ok(page1);
    assert.deepEqual(page1.body.identifiers, [[ns, 'add_one']]);
    const token = encodeURIComponent(page1.body['next-page-token']);
    const page2 = await call('GET', `/v1/namespaces/${ns}/functions?pageSize=1&pageToken=${token}`);
    ok(page2);
    assert.deepEqual(page2.body.identifiers, [[ns, 'add_two']]);
    const load = await call('GET', `/v1/namespaces/${ns}/functions/add_one`);
    assert.equal(load.status, 200);
    ok(load);
    for (const path of [`/v1/namespaces/${ns}/functions/nope`, '/v1/namespaces/nope/functions']) {
      const missing = await call('GET', path);
      assert.equal(missing.status, 404);
      ok(missing);
    }
  });

  it('every advertised endpoint was exercised with a conforming response', () => {
    assert.ok(advertised.length > 0);
    const missing = advertised.filter(
      (e) => !checker.exercised.has(e.replace(/^(\w+) \/v1\/config$/, '$1 /v1/config')),
    );
    assert.deepEqual(missing, [], 'advertised endpoints without a conforming 2xx response in this test');
    assert.deepEqual(problems, []);
  });
});
