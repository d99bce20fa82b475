import assert from 'node:assert/strict';
import { assignFreshIds, freshSortOrder, freshSpec } from './fresh-ids.ts';
import { schema as schemaSchema } from './parts.ts';
import { InvalidSchemaError } from '../errors/index.ts';

const parse = (s: unknown) => schemaSchema.parse(s);

describe('fresh field ids for a new table', () => {
  it('renumbers ids 3 and 4 to 1 and 2; the spec and sort order follow', () => {
    const fresh = assignFreshIds(
      parse({
        type: 'struct',
        'identifier-field-ids': [3],
        fields: [
          { id: 3, name: 'id', type: 'int', required: true, doc: 'unique ID' },
          { id: 4, name: 'data', type: 'string', required: true },
        ],
      }),
    );
    assert.deepEqual(
      fresh.schema.fields.map((f) => [f.id, f.name, f['doc']]),
      [
        [1, 'id', 'unique ID'],
        [2, 'data', undefined],
      ],
    );
    assert.deepEqual(fresh.schema['identifier-field-ids'], [1]);
    assert.equal(fresh.lastColumnId, 2);
    const spec = freshSpec(
      { 'spec-id': 3, fields: [{ 'source-id': 4, 'field-id': 1007, name: 'd', transform: 'identity' }] },
      fresh.ids,
    );
    assert.deepEqual(spec, {
      'spec-id': 0,
      fields: [{ 'source-id': 2, 'field-id': 1000, name: 'd', transform: 'identity' }],
    });
    const order = freshSortOrder(
      {
        'order-id': 9,
        fields: [{ 'source-id': 3, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' }],
      },
      fresh.ids,
    );
    assert.equal(order['order-id'], 1);
    assert.equal(order.fields[0]['source-id'], 1);
    assert.equal(freshSortOrder(undefined, fresh.ids)['order-id'], 0);
    assert.deepEqual(freshSpec(null, fresh.ids), { 'spec-id': 0, fields: [] });
  });

  it("numbers a struct's own fields before the fields nested in them; list elements and map keys/values too", () => {
    const fresh = assignFreshIds(
      parse({
        type: 'struct',
        fields: [
          {
            id: 10,
            name: 'point',
            required: false,
            type: {
              type: 'struct',
              fields: [
                { id: 11, name: 'x', type: 'double', required: true },
                { id: 12, name: 'y', type: 'double', required: true },
              ],
            },
          },
          {
            id: 20,
            name: 'tags',
            required: false,
            type: {
              type: 'map',
              'key-id': 21,
              key: 'string',
              'value-id': 22,
              value: { type: 'list', 'element-id': 23, element: 'int', 'element-required': false },
              'value-required': false,
            },
          },
          { id: 30, name: 'n', type: 'long', required: false },
        ],
      }),
    );
    // Top level first (point 1, tags 2, n 3), then point's x 4, y 5, then the map's key 6 and value 7, then the list
    // element 8.
    assert.deepEqual(
      [...fresh.ids.entries()].sort((a, b) => a[0] - b[0]),
      [
        [10, 1],
        [11, 4],
        [12, 5],
        [20, 2],
        [21, 6],
        [22, 7],
        [23, 8],
        [30, 3],
      ],
    );
    assert.equal(fresh.lastColumnId, 8);
    const map = fresh.schema.fields[1].type as { 'key-id': number; value: { 'element-id': number } };
    assert.equal(map['key-id'], 6);
    assert.equal(map.value['element-id'], 8);
  });

  it('a spec or order naming a field the schema lacks is an InvalidSchemaError', () => {
    const fresh = assignFreshIds(
      parse({ type: 'struct', fields: [{ id: 1, name: 'a', type: 'int', required: true }] }),
    );
    assert.throws(
      () => freshSpec({ fields: [{ 'source-id': 9, name: 'b', transform: 'identity' }] }, fresh.ids),
      InvalidSchemaError,
    );
    assert.throws(
      () =>
        freshSortOrder(
          { fields: [{ 'source-id': 9, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' }] },
          fresh.ids,
        ),
      InvalidSchemaError,
    );
  });
});
