import assert from 'node:assert/strict';
import { LIMITS } from '@ratatouille/catalog-server';
import { startTestServer, http, type TestServer } from './support/server.ts';

/**
 * Input the catalog must refuse before it stores anything, over real HTTP against a real server: schemas, partition
 * specs and sort orders that Iceberg readers could not bind; names, keys, properties and bodies beyond the documented
 * limits, refused the same way by `/iceberg` and `/api/v2`.
 */

const field = (id: number, name: string, type: unknown, required = false) => ({ id, name, type, required });
const struct = (...fields: unknown[]) => ({ type: 'struct', fields });
const goodSchema = struct(
  field(1, 'id', 'long', true),
  field(2, 'ts', 'timestamptz'),
  field(3, 'amount', 'decimal(12, 2)'),
  field(4, 'tags', { type: 'list', 'element-id': 5, element: 'string', 'element-required': false }),
);

describe('input validation over HTTP', function () {
  let server: TestServer;
  const ice = (p: string) => `${server.url}/iceberg/v1${p}`;
  const errorType = (r: { body: any }) => r.body?.error?.type;

  before(async () => {
    server = await startTestServer();
    assert.equal((await http('POST', ice('/namespaces'), { namespace: ['db'] })).status, 200);
  });
  after(async () => {
    await server?.stop();
  });

  describe('schemas, partition specs and sort orders', () => {
    const refusedCreates: Array<[string, Record<string, unknown>]> = [
      ['an unknown type', { schema: struct(field(1, 'a', 'varchar')) }],
      ['decimal precision above 38', { schema: struct(field(1, 'a', 'decimal(39, 2)')) }],
      ['decimal scale above the precision', { schema: struct(field(1, 'a', 'decimal(4, 5)')) }],
      ['fixed[0]', { schema: struct(field(1, 'a', 'fixed[0]')) }],
      [
        'a list without element-id',
        { schema: struct(field(1, 'a', { type: 'list', element: 'int', 'element-required': true })) },
      ],
      ['duplicate field ids', { schema: struct(field(1, 'a', 'int'), field(1, 'b', 'int')) }],
      [
        'a map value id used twice',
        {
          schema: struct(
            field(1, 'a', 'int'),
            field(2, 'm', {
              type: 'map',
              'key-id': 3,
              key: 'string',
              'value-id': 1,
              value: 'int',
              'value-required': false,
            }),
          ),
        },
      ],
      ['a v3 type in a v2 table', { schema: struct(field(1, 'a', 'timestamp_ns')) }],
      ['an optional identifier field', { schema: { ...struct(field(1, 'a', 'int')), 'identifier-field-ids': [1] } }],
      [
        'a double identifier field',
        { schema: { ...struct(field(1, 'a', 'double', true)), 'identifier-field-ids': [1] } },
      ],
      ['an identifier field that does not exist', { schema: { ...goodSchema, 'identifier-field-ids': [9] } }],
      [
        'a partition on a missing column',
        { schema: goodSchema, 'partition-spec': { fields: [{ 'source-id': 9, transform: 'identity', name: 'x' }] } },
      ],
      [
        'hour() of a decimal',
        { schema: goodSchema, 'partition-spec': { fields: [{ 'source-id': 3, transform: 'hour', name: 'h' }] } },
      ],
      [
        'an unknown transform',
        { schema: goodSchema, 'partition-spec': { fields: [{ 'source-id': 1, transform: 'zorder', name: 'z' }] } },
      ],
      [
        'a partition on a list element',
        { schema: goodSchema, 'partition-spec': { fields: [{ 'source-id': 5, transform: 'identity', name: 'e' }] } },
      ],
      [
        'a sort order on a missing column',
        {
          schema: goodSchema,
          'write-order': {
            'order-id': 1,
            fields: [{ 'source-id': 42, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' }],
          },
        },
      ],
    ];
    refusedCreates.forEach(([label, body], i) => {
      it(`create table with ${label} is 400 BadRequestException and creates nothing`, async () => {
        const name = `bad${i}`;
        const r = await http('POST', ice('/namespaces/db/tables'), { name, location: null, ...body });
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal(errorType(r), 'BadRequestException');
        assert.equal((await http('GET', ice(`/namespaces/db/tables/${name}`))).status, 404);
      });
    });

    it('a valid schema with a spec and an order is created and loads back unchanged', async () => {
      const r = await http('POST', ice('/namespaces/db/tables'), {
        name: 'good',
        location: null,
        schema: { ...goodSchema, 'identifier-field-ids': [1] },
        'partition-spec': {
          fields: [
            { 'source-id': 2, transform: 'day', name: 'ts_day' },
            { 'source-id': 3, transform: 'truncate[10]', name: 'amount_trunc' },
          ],
        },
        'write-order': {
          'order-id': 1,
          fields: [{ 'source-id': 1, transform: 'bucket[8]', direction: 'asc', 'null-order': 'nulls-first' }],
        },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const loaded = await http('GET', ice('/namespaces/db/tables/good'));
      assert.deepEqual(loaded.body.metadata.schemas[0].fields, goodSchema.fields);
      assert.deepEqual(loaded.body.metadata.schemas[0]['identifier-field-ids'], [1]);
    });

    it('commits with an invalid add-schema, add-spec or add-sort-order are 400 and change nothing', async () => {
      const before = await http('GET', ice('/namespaces/db/tables/good'));
      const updates: unknown[] = [
        { action: 'add-schema', schema: struct(field(1, 'id', 'long', true), field(6, 'x', 'decimal(99, 1)')) },
        {
          action: 'add-schema',
          schema: struct(field(1, 'id', 'long', true), field(6, 'x', 'int')),
          'last-column-id': 3,
        },
        { action: 'add-spec', spec: { fields: [{ 'source-id': 1, transform: 'day', name: 'id_day' }] } },
        {
          action: 'add-sort-order',
          'sort-order': {
            fields: [{ 'source-id': 4, transform: 'identity', direction: 'asc', 'null-order': 'nulls-last' }],
          },
        },
      ];
      for (const u of updates) {
        const r = await http('POST', ice('/namespaces/db/tables/good'), { requirements: [], updates: [u] });
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal(errorType(r), 'BadRequestException');
      }
      const after = await http('GET', ice('/namespaces/db/tables/good'));
      assert.equal(after.body['metadata-location'], before.body['metadata-location']);
    });

    it('a view with an invalid schema is 400; a valid one is created', async () => {
      const view = (schema: unknown) => ({
        name: 'v',
        schema,
        'view-version': {
          'version-id': 1,
          'timestamp-ms': Date.now(),
          'schema-id': 0,
          summary: {},
          representations: [{ type: 'sql', sql: 'select 1 as a', dialect: 'spark' }],
          'default-namespace': ['db'],
        },
        properties: {},
      });
      const bad = await http(
        'POST',
        ice('/namespaces/db/views'),
        view(struct(field(1, 'a', 'int'), field(1, 'b', 'int'))),
      );
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.equal(errorType(bad), 'BadRequestException');
      // Clients send absent optional strings as null; the spec types them as strings, so they are left out.
      const body = view(struct({ ...field(1, 'a', 'int'), doc: null }));
      const good = await http('POST', ice('/namespaces/db/views'), {
        ...body,
        'view-version': { ...body['view-version'], 'default-catalog': null },
      });
      assert.equal(good.status, 200, JSON.stringify(good.body));
      for (const r of [good, await http('GET', ice('/namespaces/db/views/v'))]) {
        assert.equal(r.body.metadata.versions[0]['default-catalog'], undefined);
        assert.equal(r.body.metadata.schemas[0].fields[0].doc, undefined);
        assert.ok(!JSON.stringify(r.body).includes('null'), JSON.stringify(r.body));
      }
    });
  });

  describe('limits, the same on /iceberg and /api/v2', () => {
    const nsPath = (levels: string[]) => levels.map(encodeURIComponent).join('%1F');
    const api = (p: string) => `${server.url}/api/v2${p}`;
    const keyParam = (elements: string[]) => encodeURIComponent(elements.join('.'));
    const head = async () => (await http('GET', api('/trees/main'))).body.reference.hash as string;
    const putNamespace = async (elements: string[], properties: Record<string, string> = {}) =>
      http('POST', api(`/trees/main@${await head()}/history/commit`), {
        commitMeta: { message: 'put namespace' },
        operations: [{ type: 'PUT', key: { elements }, content: { type: 'NAMESPACE', elements, properties } }],
      });
    const bothRefuse = (r: { status: number; body: any }) => {
      assert.equal(r.status, 400, JSON.stringify(r.body).slice(0, 300));
      assert.equal(r.body.error.type, 'BadRequestException');
    };

    it('namespace depth: the deepest namespace either API creates is readable through the other', async () => {
      const deepest = Array.from({ length: LIMITS.namespaceDepth }, (_, i) => `l${i}`);
      const created = await http('POST', ice('/namespaces'), { namespace: deepest });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const viaApi = await http('GET', api(`/trees/main/contents/${keyParam(deepest)}`));
      assert.equal(viaApi.status, 200, JSON.stringify(viaApi.body));
      const table = await http('POST', ice(`/namespaces/${nsPath(deepest)}/tables`), { name: 't', schema: goodSchema });
      assert.equal(table.status, 200, JSON.stringify(table.body));

      const other = deepest.map((l) => `m${l}`);
      assert.equal((await putNamespace(other)).status, 200);
      assert.equal((await http('GET', ice(`/namespaces/${nsPath(other)}`))).status, 200);
    });

    it('namespace depth: one level more, or 1,000 levels, is refused by both', async () => {
      for (const depth of [LIMITS.namespaceDepth + 1, 1000]) {
        const levels = Array.from({ length: depth }, (_, i) => `d${i}`);
        bothRefuse(await http('POST', ice('/namespaces'), { namespace: levels }));
        bothRefuse(await putNamespace(levels));
        bothRefuse(await http('GET', ice(`/namespaces/${nsPath(levels)}`)));
      }
    });

    it('name and key length', async () => {
      const long = 'n'.repeat(LIMITS.nameLength + 1);
      bothRefuse(await http('POST', ice('/namespaces'), { namespace: [long] }));
      bothRefuse(await putNamespace([long]));
      bothRefuse(await http('POST', ice('/namespaces/db/tables'), { name: long, schema: goodSchema }));
      const wide = ['a'.repeat(200), 'b'.repeat(200), 'c'.repeat(101)];
      bothRefuse(await http('POST', ice('/namespaces'), { namespace: wide }));
      bothRefuse(await putNamespace(wide));
      const ok = await http('POST', ice('/namespaces'), { namespace: ['n'.repeat(LIMITS.nameLength)] });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
    });

    it('property count and size', async () => {
      const many = Object.fromEntries(Array.from({ length: LIMITS.propertyCount + 1 }, (_, i) => [`k${i}`, 'v']));
      const bigValue = { k: 'v'.repeat(LIMITS.propertyValueLength + 1) };
      const longKey = { ['k'.repeat(LIMITS.propertyKeyLength + 1)]: 'v' };
      for (const properties of [many, bigValue, longKey]) {
        bothRefuse(await http('POST', ice('/namespaces'), { namespace: ['p'], properties }));
        bothRefuse(await putNamespace(['p'], properties));
        bothRefuse(await http('POST', ice('/namespaces/db/properties'), { updates: properties }));
        bothRefuse(await http('POST', ice('/namespaces/db/tables'), { name: 'p', schema: goodSchema, properties }));
        bothRefuse(
          await http('POST', ice('/namespaces/db/tables/good'), {
            requirements: [],
            updates: [{ action: 'set-properties', updates: properties }],
          }),
        );
      }
      assert.equal((await http('GET', ice('/namespaces/p'))).status, 404);
    });

    it('a body over the size limit is 413 in each API error model', async () => {
      const body = JSON.stringify({ namespace: ['big'], properties: { k: 'x'.repeat(LIMITS.requestBodyBytes) } });
      const iceberg = await http('POST', ice('/namespaces'), body);
      assert.equal(iceberg.status, 413);
      assert.equal(iceberg.body.error.code, 413);
      assert.equal(iceberg.body.error.type, 'RequestTooLargeException');
      const management = await http('POST', api(`/trees/main@${await head()}/history/commit`), body);
      assert.equal(management.status, 413);
      assert.equal(management.body.status, 413);
      assert.equal(management.body.error.code, 413);
    });

    it('a body inside the limit holding a 12 MB string is read, not refused as malformed JSON', async () => {
      // A property value that long is past its own limit: the answer names that limit, as for a short body.
      const property = await http('POST', ice('/namespaces/db/tables/good'), {
        requirements: [],
        updates: [{ action: 'set-properties', updates: { k: 'v'.repeat(12_000_000) } }],
      });
      assert.equal(property.status, 400);
      assert.match(property.body.error.message, /Property "k" has a 12000000-character value/);
      // A view's SQL has no limit of its own: a 12 MB definition is stored and loads back whole.
      const sql = `select 1 -- ${'x'.repeat(12_000_000)}`;
      const created = await http('POST', ice('/namespaces/db/views'), {
        name: 'long_sql',
        schema: struct(field(1, 'one', 'int')),
        'view-version': {
          'version-id': 1,
          'timestamp-ms': Date.now(),
          'schema-id': 0,
          summary: {},
          'default-namespace': ['db'],
          representations: [{ type: 'sql', sql, dialect: 'spark' }],
        },
      });
      assert.equal(created.status, 200, JSON.stringify(created.body).slice(0, 300));
      const loaded = await http('GET', ice('/namespaces/db/views/long_sql'));
      assert.equal(loaded.body.metadata.versions[0].representations[0].sql, sql);
    });
  });

  describe('locations', () => {
    it('a location that is not a location of the file warehouse is 400, not 500', async () => {
      for (const location of ['foo', 'relative/metadata.json']) {
        const r = await http('POST', ice('/namespaces/db/register'), { name: 'reg', 'metadata-location': location });
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal(errorType(r), 'BadRequestException');
        const created = await http('POST', ice('/namespaces/db/tables'), { name: 'loc', location, schema: goodSchema });
        assert.equal(created.status, 400, JSON.stringify(created.body));
        assert.equal(errorType(created), 'BadRequestException');
        const moved = await http('POST', ice('/namespaces/db/tables/good'), {
          requirements: [],
          updates: [{ action: 'set-location', location }],
        });
        assert.equal(moved.status, 400, JSON.stringify(moved.body));
        assert.equal(errorType(moved), 'BadRequestException');
      }
    });
  });

  describe('branch and tag names', () => {
    const api = (p: string) => `${server.url}/api/v2${p}`;
    const mainHash = async () => (await http('GET', api('/trees/main'))).body.reference.hash as string;
    const create = async (name: string, type = 'BRANCH') =>
      http('POST', api(`/trees?name=${encodeURIComponent(name)}&type=${type}`), {
        type: 'BRANCH',
        name: 'main',
        hash: await mainHash(),
      });

    for (const name of ['x@y', 'x@', 'a#b', 'x~1', 'a^b', 'a:b', 'a*b']) {
      it(`refuses to create ${JSON.stringify(name)}, which the ref syntax cannot address`, async () => {
        for (const type of ['BRANCH', 'TAG']) {
          const r = await create(name, type);
          assert.equal(r.status, 400, JSON.stringify(r.body));
          assert.equal(r.body.errorCode, 'BAD_REQUEST');
        }
      });
    }

    it('a name that can be created can be read on both APIs, written and deleted', async () => {
      const name = 'feature/ünï-1.2_x+y';
      const created = await create(name);
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const ref = encodeURIComponent(name);
      assert.equal((await http('GET', api(`/trees/${ref}`))).status, 200);
      assert.equal((await http('GET', `${server.url}/iceberg/${ref}/v1/config`)).status, 200);
      const ns = await http('POST', `${server.url}/iceberg/${ref}/v1/namespaces`, { namespace: ['on_branch'] });
      assert.equal(ns.status, 200, JSON.stringify(ns.body));
      const head = (await http('GET', api(`/trees/${ref}`))).body.reference.hash as string;
      const deleted = await http('DELETE', api(`/trees/${ref}@${head}`));
      assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
      assert.equal((await http('GET', api(`/trees/${ref}`))).status, 404);
    });
  });

  describe('bodies and hashes a newcomer gets wrong', () => {
    const api = (p: string) => `${server.url}/api/v2${p}`;
    const mainHash = async () => (await http('GET', api('/trees/main'))).body.reference.hash as string;
    const commitBody = {
      commitMeta: { message: 'm' },
      operations: [{ type: 'PUT', key: { elements: ['nb'] }, content: { type: 'NAMESPACE', elements: ['nb'] } }],
    };

    it('refuses a body that is not JSON with 415 naming the expected type, on both APIs', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const onIceberg = await http('POST', ice('/namespaces'), 'namespace=db2', form);
      assert.equal(onIceberg.status, 415, JSON.stringify(onIceberg.body));
      assert.equal(onIceberg.body.error.type, 'UnsupportedMediaTypeException');
      const onApi = await http('POST', api(`/trees/main@${await mainHash()}/history/commit`), 'x', {
        'content-type': 'text/plain',
      });
      assert.equal(onApi.status, 415, JSON.stringify(onApi.body));
      assert.equal(onApi.body.errorCode, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('a method a path does not take is 405 naming the ones it does, in each API error model; OPTIONS lists them', async () => {
      const onIceberg = await http('PUT', ice('/namespaces/db/tables/good'), { requirements: [], updates: [] });
      assert.equal(onIceberg.status, 405, JSON.stringify(onIceberg.body));
      assert.equal(onIceberg.headers.get('allow'), 'DELETE, GET, HEAD, POST');
      assert.equal(onIceberg.body.error.type, 'MethodNotAllowedException');
      assert.match(
        onIceberg.body.error.message,
        /^PUT is not allowed on this path; it takes DELETE, GET, HEAD, POST\.$/,
      );
      // Through a prefix (iceberg-js sends the warehouse name there) too, and on /v1/config.
      assert.equal((await http('PATCH', ice('/default/namespaces/db'))).status, 405);
      const config = await http('POST', ice('/config'), {});
      assert.deepEqual([config.status, config.headers.get('allow')], [405, 'GET, HEAD']);
      const onApi = await http('PATCH', api('/trees/main'));
      assert.equal(onApi.status, 405, JSON.stringify(onApi.body));
      assert.equal(onApi.headers.get('allow'), 'DELETE, GET, HEAD, PUT');
      assert.equal(onApi.body.status, 405);
      // A path no route serves stays a 404; OPTIONS is answered with the same list.
      assert.equal((await http('PUT', ice('/namespaces/db/tables/good/nothing'))).status, 404);
      const options = await fetch(ice('/namespaces/db/tables/good'), { method: 'OPTIONS' });
      assert.equal(options.status, 200);
      assert.equal(options.headers.get('allow'), 'DELETE, GET, HEAD, POST');
      // The methods a path takes still work.
      assert.equal((await http('GET', ice('/namespaces/db'))).status, 200);
      assert.equal((await http('HEAD', ice('/namespaces/db'))).status, 204);
    });

    it('reads a JSON body sent without a content type', async () => {
      // A byte body gets no default content type from fetch (a string would be sent as text/plain).
      const body = new TextEncoder().encode(JSON.stringify({ namespace: ['no_type'] }));
      const res = await fetch(ice('/namespaces'), { method: 'POST', body });
      assert.equal(res.status, 200, await res.text());
    });

    it('answers a null or absent body with a 400 that says so, not a parser or field error', async () => {
      for (const body of ['null', undefined]) {
        const onIceberg = await http(
          'POST',
          ice('/namespaces'),
          body ?? '',
          body ? {} : { 'content-type': 'application/json' },
        );
        assert.equal(onIceberg.status, 400, JSON.stringify(onIceberg.body));
        assert.equal(onIceberg.body.error.type, 'BadRequestException');
        const onApi = await http('POST', api(`/trees/main@${await mainHash()}/history/commit`), body ?? '');
        assert.equal(onApi.status, 400, JSON.stringify(onApi.body));
        assert.equal(onApi.body.errorCode, 'BAD_REQUEST');
        // The answer is about the body as a whole, not about one of its fields.
        assert.doesNotMatch(onApi.body.message, /commitMeta|operations/);
      }
      assert.equal((await http('POST', api(`/trees/main@${await mainHash()}/history/commit`), commitBody)).status, 200);
    });

    it('a hash that names no commit is a 404 REFERENCE_NOT_FOUND on both APIs (the message is about the commit: unit test)', async () => {
      for (const ref of ['main@0000000000000000', '@00000000']) {
        const r = await http('GET', api(`/trees/${ref}/entries`));
        assert.equal(r.status, 404, JSON.stringify(r.body));
        assert.equal(r.body.errorCode, 'REFERENCE_NOT_FOUND');
      }
      const onIceberg = await http(
        'GET',
        `${server.url}/iceberg/${encodeURIComponent('main@0000000000000000')}/v1/config`,
      );
      assert.equal(onIceberg.status, 404);
      assert.equal(onIceberg.body.error.type, 'NoSuchReferenceException');
    });
  });
});
