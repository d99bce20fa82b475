import assert from 'node:assert/strict';
import { assertValidSchema, indexSchema, schemaProblems } from './validate-schema.ts';
import { parsePrimitiveType } from './types.ts';
import { InvalidSchemaError } from '../errors/index.ts';

const field = (id: number, name: string, type: unknown, required = false) => ({ id, name, type, required });
const schemaOf = (...fields: unknown[]) => ({ type: 'struct', fields });

describe('schema validation', () => {
  it('accepts every primitive type and nested lists, maps and structs', () => {
    const s = schemaOf(
      ...[
        'boolean',
        'int',
        'long',
        'float',
        'double',
        'decimal(38, 0)',
        'decimal( 9 ,9 )',
        'date',
        'time',
        'timestamp',
        'timestamptz',
        'string',
        'uuid',
        'fixed[16]',
        'binary',
      ].map((t, i) => field(i + 1, `c${i}`, t)),
      field(20, 'tags', { type: 'list', 'element-id': 21, element: 'string', 'element-required': false }),
      field(22, 'attrs', {
        type: 'map',
        'key-id': 23,
        key: 'string',
        'value-id': 24,
        value: { type: 'struct', fields: [field(25, 'x', 'int', true)] },
        'value-required': true,
      }),
    );
    assert.deepEqual(schemaProblems(s, { formatVersion: 2, lastColumnId: 25 }), []);
    assert.equal(indexSchema(s).fields.get(25)?.path, 'attrs.value.x');
  });

  it('reads decimal and fixed parameters and refuses out-of-range ones', () => {
    assert.deepEqual(parsePrimitiveType('decimal(10, 2)'), {
      kind: 'primitive',
      name: 'decimal',
      precision: 10,
      scale: 2,
      since: 1,
    });
    for (const bad of [
      'decimal(39, 0)',
      'decimal(0, 0)',
      'decimal(5, 6)',
      'decimal(5, -1)',
      'fixed[0]',
      'fixed',
      'text',
    ]) {
      assert.equal(typeof parsePrimitiveType(bad), 'string', bad);
    }
  });

  it('refuses unknown types, malformed nested types and duplicate names', () => {
    const cases: unknown[] = [
      schemaOf(field(1, 'a', 'varchar')),
      schemaOf(field(1, 'a', { type: 'array', element: 'int' })),
      schemaOf(field(1, 'a', { type: 'list', element: 'int', 'element-required': true })),
      schemaOf(field(1, 'a', { type: 'map', 'key-id': 2, key: 'int', 'value-id': 3, value: 'int' })),
      schemaOf(field(1, 'a', 42)),
      schemaOf(field(1, 'a', 'int'), field(2, 'a', 'int')),
      schemaOf(field(1, '', 'int')),
      schemaOf({ id: 1, name: 'a', type: 'int' }),
      { type: 'struct' },
    ];
    for (const s of cases) {
      assert.ok(schemaProblems(s).length > 0, JSON.stringify(s));
      assert.throws(() => assertValidSchema(s), InvalidSchemaError);
    }
  });

  it('refuses duplicate and negative field ids, element/key/value ids included', () => {
    const dupNested = schemaOf(
      field(1, 'a', 'int'),
      field(2, 'l', { type: 'list', 'element-id': 1, element: 'int', 'element-required': false }),
    );
    assert.match(schemaProblems(dupNested).join(), /field id 1 is also used by a/);
    assert.ok(schemaProblems(schemaOf(field(-1, 'a', 'int'))).length > 0);
  });

  it('checks last-column-id against the highest field id of the schema', () => {
    const s = schemaOf(field(1, 'a', 'int'), field(7, 'b', 'int'));
    assert.equal(schemaProblems(s, { lastColumnId: 6 }).length, 1);
    assert.deepEqual(schemaProblems(s, { lastColumnId: 7 }), []);
    assert.deepEqual(schemaProblems(s, { lastColumnId: 9 }), []);
    assert.deepEqual(schemaProblems(s, { lastColumnId: null }), []);
  });

  it('refuses v3 types below format version 3 and required unknown fields', () => {
    const s = schemaOf(field(1, 'a', 'timestamp_ns'), field(2, 'v', 'variant'));
    assert.equal(schemaProblems(s, { formatVersion: 2 }).length, 2);
    assert.deepEqual(schemaProblems(s, { formatVersion: 3 }), []);
    assert.equal(schemaProblems(schemaOf(field(1, 'u', 'unknown', true)), { formatVersion: 3 }).length, 1);
  });

  it('refuses non-null initial-default and write-default below format version 3, also on nested fields', () => {
    const withDefault = (extra: object) => ({ ...field(1, 'n', 'int'), ...extra });
    for (const extra of [{ 'initial-default': 5 }, { 'write-default': 'x' }, { 'initial-default': {} }]) {
      const s = schemaOf(withDefault(extra));
      assert.equal(schemaProblems(s, { formatVersion: 2 }).length, 1, JSON.stringify(extra));
      assert.equal(schemaProblems(s, { formatVersion: 1 }).length, 1, JSON.stringify(extra));
      assert.deepEqual(schemaProblems(s, { formatVersion: 3 }), [], JSON.stringify(extra));
    }
    const nullDefaults = schemaOf(withDefault({ 'initial-default': null, 'write-default': null }));
    assert.deepEqual(schemaProblems(nullDefaults, { formatVersion: 2 }), []);
    const nested = schemaOf({
      id: 1,
      name: 'st',
      required: false,
      type: { type: 'struct', fields: [{ ...field(2, 'n', 'int'), 'write-default': 1 }] },
    });
    assert.equal(schemaProblems(nested, { formatVersion: 2 }).length, 1);
    assert.throws(() => assertValidSchema(nested, { formatVersion: 2 }), InvalidSchemaError);
  });

  describe('identifier fields', () => {
    const s = (ids: number[]) => ({
      ...schemaOf(
        field(1, 'id', 'long', true),
        field(2, 'opt', 'long'),
        field(3, 'f', 'float', true),
        field(4, 'd', 'double', true),
        field(5, 'st', { type: 'struct', fields: [field(6, 'inner', 'string', true)] }, true),
        field(7, 'optst', { type: 'struct', fields: [field(8, 'inner', 'string', true)] }),
        field(
          9,
          'l',
          {
            type: 'list',
            'element-id': 10,
            element: { type: 'struct', fields: [field(11, 'x', 'int', true)] },
            'element-required': true,
          },
          true,
        ),
        field(
          12,
          'm',
          { type: 'map', 'key-id': 13, key: 'string', 'value-id': 14, value: 'int', 'value-required': true },
          true,
        ),
      ),
      'identifier-field-ids': ids,
    });
    it('accepts required primitive fields, also inside required structs', () => {
      assert.deepEqual(schemaProblems(s([1, 6])), []);
    });
    for (const [id, why] of [
      [2, 'optional'],
      [3, 'float'],
      [4, 'double'],
      [5, 'struct'],
      [8, 'inside an optional struct'],
      [11, 'inside a list'],
      [13, 'a map key'],
      [99, 'missing'],
    ] as const) {
      it(`refuses field ${id} (${why})`, () => {
        assert.ok(schemaProblems(s([id])).length > 0);
      });
    }
  });
});
