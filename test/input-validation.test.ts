import assert from 'node:assert/strict';
import { startTestServer, http, type TestServer } from './support/server.ts';

/**
 * Input the catalog must refuse before it stores anything, over real HTTP against a real server: schemas, partition
 * specs and sort orders that Iceberg readers could not bind.
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
      const good = await http('POST', ice('/namespaces/db/views'), view(struct(field(1, 'a', 'int'))));
      assert.equal(good.status, 200, JSON.stringify(good.body));
    });
  });
});
