import assert from 'node:assert/strict';
import { SchemaMismatchError } from '../errors/engine-error.ts';
import { decideRenames, renamedSchema, type RenameHint } from './renames.ts';
import type { IcebergSchema } from './types.ts';

const schema: IcebergSchema = {
  type: 'struct',
  'schema-id': 0,
  'identifier-field-ids': [1],
  fields: [
    { id: 1, name: 'order_id', type: 'long', required: false },
    { id: 2, name: 'amount', type: 'double', required: false },
    { id: 3, name: 'status', type: 'string', required: false },
  ],
};
const sql = (from: string, to: string): RenameHint => ({ from, to, explicit: false });
const cfg = (from: string, to: string): RenameHint => ({ from, to, explicit: true });
const result = (...cols: Array<[string, string]>) => cols.map(([name, type]) => ({ name, type }));

describe('decideRenames (column renames by field id)', () => {
  it('renames a column the SQL shows under a new name, keeping its field id', () => {
    const cols = result(['order_id', 'BIGINT'], ['revenue', 'DOUBLE'], ['status', 'VARCHAR']);
    assert.deepEqual(decideRenames('t', schema, cols, [sql('amount', 'revenue')]), [
      { id: 2, from: 'amount', to: 'revenue' },
    ]);
  });

  it('keeps the result spelling and matches names case-insensitively; a promotable type fits', () => {
    const cols = result(['order_id', 'BIGINT'], ['Revenue', 'FLOAT'], ['status', 'VARCHAR']);
    assert.deepEqual(decideRenames('t', schema, cols, [sql('AMOUNT', 'revenue')]), [
      { id: 2, from: 'amount', to: 'Revenue' },
    ]);
  });

  it('a SQL hint that does not apply is a new column: still there, already renamed, wrong type, ambiguous', () => {
    const still = result(['order_id', 'BIGINT'], ['amount', 'DOUBLE'], ['revenue', 'DOUBLE']);
    assert.deepEqual(decideRenames('t', schema, still, [sql('amount', 'revenue')]), []);
    const text = result(['order_id', 'BIGINT'], ['revenue', 'VARCHAR'], ['status', 'VARCHAR']);
    assert.deepEqual(decideRenames('t', schema, text, [sql('amount', 'revenue')]), []);
    const two = result(['order_id', 'BIGINT'], ['x', 'DOUBLE']);
    assert.deepEqual(decideRenames('t', schema, two, [sql('amount', 'x'), sql('status', 'x')]), []);
    const unknown = result(['order_id', 'BIGINT'], ['total', 'DOUBLE']);
    assert.deepEqual(decideRenames('t', schema, unknown, [sql('price', 'total')]), []);
  });

  it('an explicit rename wins over the SQL, is a no-op once done, and fails clearly when it cannot apply', () => {
    const cols = result(['order_id', 'BIGINT'], ['net', 'DOUBLE'], ['revenue', 'DOUBLE'], ['status', 'VARCHAR']);
    assert.deepEqual(decideRenames('t', schema, cols, [sql('amount', 'revenue'), cfg('amount', 'net')]), [
      { id: 2, from: 'amount', to: 'net' },
    ]);
    const after = renamedSchema(schema, [{ id: 2, from: 'amount', to: 'net' }]);
    assert.deepEqual(
      decideRenames('t', after, result(['order_id', 'BIGINT'], ['net', 'DOUBLE']), [cfg('amount', 'net')]),
      [],
    );
    assert.throws(
      () => decideRenames('t', schema, result(['order_id', 'BIGINT'], ['net', 'VARCHAR']), [cfg('amount', 'net')]),
      (e: unknown) => e instanceof SchemaMismatchError && e.code === 'SCHEMA_MISMATCH',
    );
    assert.throws(
      () => decideRenames('t', schema, result(['amount', 'DOUBLE'], ['net', 'DOUBLE']), [cfg('amount', 'net')]),
      SchemaMismatchError,
    );
  });

  it('renamedSchema changes names only: ids, types, order and identifier fields stay', () => {
    const s = renamedSchema(schema, [{ id: 2, from: 'amount', to: 'revenue' }]);
    assert.deepEqual(
      s.fields.map((f) => [f.id, f.name, f.type]),
      [
        [1, 'order_id', 'long'],
        [2, 'revenue', 'double'],
        [3, 'status', 'string'],
      ],
    );
    assert.deepEqual(s['identifier-field-ids'], [1]);
  });
});
