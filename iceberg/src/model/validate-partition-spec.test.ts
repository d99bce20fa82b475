import assert from 'node:assert/strict';
import {
  assertValidPartitionSpec,
  assertValidSortOrder,
  partitionSpecProblems,
  sortOrderProblems,
} from './validate-partition-spec.ts';
import { canTransform, parseTransform } from './transforms.ts';
import { parsePrimitiveType, type PrimitiveType } from './types.ts';
import { InvalidSchemaError } from '../errors/index.ts';

const schema = {
  type: 'struct',
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'ts', type: 'timestamptz', required: false },
    { id: 3, name: 'd', type: 'date', required: false },
    { id: 4, name: 'x', type: 'double', required: false },
    { id: 5, name: 's', type: 'string', required: false },
    {
      id: 6,
      name: 'tags',
      type: { type: 'list', 'element-id': 7, element: 'string', 'element-required': false },
      required: false,
    },
    {
      id: 8,
      name: 'st',
      type: { type: 'struct', fields: [{ id: 9, name: 'n', type: 'int', required: false }] },
      required: false,
    },
  ],
};

const pf = (sourceId: number, transform: string, name = `p${sourceId}_${transform}`) => ({
  'source-id': sourceId,
  transform,
  name,
});

describe('transforms', () => {
  it('parses the spec transforms and refuses others', () => {
    assert.deepEqual(parseTransform('bucket[16]'), { name: 'bucket', width: 16 });
    assert.deepEqual(parseTransform('truncate[ 4 ]'), { name: 'truncate', width: 4 });
    assert.deepEqual(parseTransform('Day'), { name: 'day' });
    for (const bad of ['bucket[0]', 'bucket', 'minute', 'truncate[-1]', '']) {
      assert.equal(typeof parseTransform(bad), 'string', bad);
    }
  });

  it('applies each transform only to the types the spec lists', () => {
    const t = (s: string) => parsePrimitiveType(s) as PrimitiveType;
    const tr = (s: string) => parseTransform(s) as Exclude<ReturnType<typeof parseTransform>, string>;
    assert.ok(canTransform(tr('bucket[4]'), t('uuid')));
    assert.ok(!canTransform(tr('bucket[4]'), t('double')));
    assert.ok(canTransform(tr('truncate[4]'), t('decimal(9, 2)')));
    assert.ok(!canTransform(tr('truncate[4]'), t('date')));
    assert.ok(canTransform(tr('day'), t('date')));
    assert.ok(!canTransform(tr('hour'), t('date')));
    assert.ok(canTransform(tr('hour'), t('timestamp_ns')));
    assert.ok(!canTransform(tr('year'), t('string')));
    assert.ok(canTransform(tr('identity'), t('double')));
    assert.ok(canTransform(tr('void'), t('boolean')));
  });
});

describe('partition spec validation', () => {
  it('accepts fields with existing sources and valid transforms', () => {
    const spec = {
      fields: [pf(1, 'bucket[16]'), pf(2, 'hour'), pf(3, 'day'), pf(5, 'truncate[3]'), pf(9, 'identity')],
    };
    assert.deepEqual(partitionSpecProblems(spec, schema), []);
  });

  it('lets a void field keep a dropped source column', () => {
    assert.deepEqual(partitionSpecProblems({ fields: [pf(99, 'void')] }, schema), []);
  });

  it("lets a field take its own source column's name, and any name once the source is dropped", () => {
    const fields = [pf(5, 'identity', 's'), pf(1, 'bucket[4]', 'id'), pf(9, 'identity', 'st.n'), pf(99, 'void', 'ts')];
    assert.deepEqual(partitionSpecProblems({ fields }, schema), []);
  });

  for (const [label, fields] of [
    ['a missing source column', [pf(99, 'identity')]],
    ['hour of a date', [pf(3, 'hour')]],
    ['bucket of a double', [pf(4, 'bucket[2]')]],
    ['identity of a list', [pf(6, 'identity')]],
    ['a list element', [pf(7, 'identity')]],
    ['an unknown transform', [pf(1, 'zorder')]],
    ['duplicate names', [pf(1, 'identity', 'p'), pf(5, 'identity', 'p')]],
    ['an empty name', [pf(1, 'identity', '')]],
    ['a bucket named after another column (Java: sourced from different field)', [pf(1, 'bucket[4]', 's')]],
    ['an identity named after another column', [pf(1, 'identity', 'ts')]],
    ['a name clashing with a nested column', [pf(2, 'day', 'st.n')]],
  ] as const) {
    it(`refuses ${label}`, () => {
      assert.ok(partitionSpecProblems({ fields }, schema).length > 0);
      assert.throws(() => assertValidPartitionSpec({ fields }, schema), InvalidSchemaError);
    });
  }
});

describe('sort order validation', () => {
  const sf = (sourceId: number, transform: string) => ({
    'source-id': sourceId,
    transform,
    direction: 'asc',
    'null-order': 'nulls-first',
  });
  it('accepts existing primitive sources with valid transforms', () => {
    assert.deepEqual(sortOrderProblems({ fields: [sf(1, 'identity'), sf(2, 'day'), sf(4, 'identity')] }, schema), []);
  });
  it('refuses missing sources, nested types and invalid transforms', () => {
    for (const f of [sf(99, 'identity'), sf(8, 'identity'), sf(3, 'hour'), sf(1, 'nope')]) {
      assert.throws(() => assertValidSortOrder({ fields: [f] }, schema), InvalidSchemaError, JSON.stringify(f));
    }
  });
});
