import assert from 'node:assert/strict';
import { documentedSchema } from './docs.ts';
import type { IcebergSchema } from './types.ts';

const schema: IcebergSchema = {
  type: 'struct',
  'schema-id': 3,
  fields: [
    { id: 1, name: 'Order_ID', type: 'long', required: false, doc: 'old' },
    { id: 2, name: 'amount', type: 'double', required: false },
  ],
};

describe('engine: column docs in a schema', () => {
  it('sets the docs the model gives (names case-insensitive), keeps the rest, and says when nothing changes', () => {
    const s = documentedSchema(schema, { order_id: 'One per order', missing: 'x' })!;
    assert.deepEqual(
      s.fields.map((f) => [f.id, f.name, f.doc]),
      [
        [1, 'Order_ID', 'One per order'],
        [2, 'amount', undefined],
      ],
    );
    assert.equal(s['schema-id'], 3);
    assert.equal(documentedSchema(schema, { order_id: 'old' }), undefined);
    assert.equal(documentedSchema(schema, {}), undefined);
  });
});
