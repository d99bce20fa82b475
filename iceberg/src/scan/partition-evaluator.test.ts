import assert from 'node:assert/strict';
import { EntryStatus, FileContent, type ManifestEntry, type PartitionFieldType } from '../avro/manifest.ts';
import { partitionSummaries } from '../avro/partition-summary.ts';
import { toSingleValue, type IcebergPrimitiveValue } from '../avro/single-value.ts';
import type { BoundExpression } from './bind.ts';
import { manifestMayMatch, partitionMayMatch, type PartitionTuple } from './partition-evaluator.ts';
import { partitionFields, projectToPartition } from './projection.ts';
import { bindJson, int, pick, rng, SCHEMA, type Gen } from './test-schema.ts';
import { applyTransform } from './transform-values.ts';

const DAY_US = 86_400_000_000n;

const specOf = (...fields: [sourceId: number, name: string, transform: string][]) => ({
  'spec-id': 0,
  fields: fields.map(([sourceId, name, transform], i) => ({
    'source-id': sourceId,
    'field-id': 1000 + i,
    name,
    transform,
  })),
});

const mayPartition = (json: unknown, spec: ReturnType<typeof specOf>, tuple: PartitionTuple) =>
  partitionMayMatch(bindJson(json), spec, SCHEMA)(tuple);

describe('scan: partition projection and evaluation', () => {
  it('projects day(ts) predicates: ranges, equality, sets, and keeps every day a matching row can fall on', () => {
    const spec = specOf([3, 'ts_day', 'day']);
    const at = (day: number, json: unknown) => mayPartition(json, spec, { ts_day: day });
    // 2024-01-02T00:00:00 is day 19724.
    const lit = '2024-01-02T00:00:00';
    assert.equal(at(19723, { type: 'lt', term: 'ts', value: lit }), true);
    assert.equal(at(19724, { type: 'lt', term: 'ts', value: lit }), false);
    assert.equal(at(19724, { type: 'lt-eq', term: 'ts', value: lit }), true);
    assert.equal(at(19725, { type: 'lt-eq', term: 'ts', value: lit }), false);
    assert.equal(at(19724, { type: 'gt', term: 'ts', value: lit }), true);
    assert.equal(at(19723, { type: 'gt', term: 'ts', value: '2024-01-01T23:59:59.999999' }), false);
    assert.equal(at(19723, { type: 'gt-eq', term: 'ts', value: lit }), false);
    assert.equal(at(19724, { type: 'eq', term: 'ts', value: '2024-01-02T12:00:00' }), true);
    assert.equal(at(19725, { type: 'eq', term: 'ts', value: '2024-01-02T12:00:00' }), false);
    assert.equal(at(19725, { type: 'in', term: 'ts', values: ['2024-01-02T12:00:00', '2024-01-03T00:00:00'] }), true);
    assert.equal(at(19726, { type: 'in', term: 'ts', values: ['2024-01-02T12:00:00', '2024-01-03T00:00:00'] }), false);
    // not-eq cannot be carried through a many-to-one transform.
    assert.equal(at(19724, { type: 'not-eq', term: 'ts', value: lit }), true);
    assert.equal(at(19724, { type: 'not', child: { type: 'gt-eq', term: 'ts', value: lit } }), false);
    assert.equal(mayPartition({ type: 'is-null', term: 'ts' }, spec, { ts_day: 19724 }), false);
    assert.equal(mayPartition({ type: 'is-null', term: 'ts' }, spec, { ts_day: null }), true);
    assert.equal(mayPartition({ type: 'not-null', term: 'ts' }, spec, { ts_day: null }), false);
    assert.equal(mayPartition({ type: 'eq', term: 'ts', value: lit }, spec, { ts_day: null }), false);
    // A tuple without the field tells nothing.
    assert.equal(mayPartition({ type: 'eq', term: 'ts', value: lit }, spec, {}), true);
  });

  it('admits the day above the floor before 1970 (writers before 0.13 rounded toward zero)', () => {
    const spec = specOf([3, 'ts_day', 'day']);
    const lit = '1969-12-31T12:00:00'; // day -1
    assert.equal(mayPartition({ type: 'eq', term: 'ts', value: lit }, spec, { ts_day: -1 }), true);
    assert.equal(mayPartition({ type: 'eq', term: 'ts', value: lit }, spec, { ts_day: 0 }), true);
    assert.equal(mayPartition({ type: 'eq', term: 'ts', value: lit }, spec, { ts_day: 1 }), false);
    assert.equal(mayPartition({ type: 'lt-eq', term: 'ts', value: lit }, spec, { ts_day: 0 }), true);
    assert.equal(mayPartition({ type: 'lt-eq', term: 'ts', value: lit }, spec, { ts_day: 1 }), false);
  });

  it('projects month, year and hour of timestamps and dates', () => {
    const spec = specOf([3, 'm', 'month'], [5, 'y', 'year'], [4, 'h', 'hour']);
    assert.equal(mayPartition({ type: 'gt-eq', term: 'ts', value: '2024-03-01T00:00:00' }, spec, { m: 649 }), false);
    assert.equal(mayPartition({ type: 'gt-eq', term: 'ts', value: '2024-03-01T00:00:00' }, spec, { m: 650 }), true);
    assert.equal(mayPartition({ type: 'lt', term: 'd', value: '2024-01-01' }, spec, { y: 54 }), false);
    assert.equal(mayPartition({ type: 'lt', term: 'd', value: '2024-01-02' }, spec, { y: 54 }), true);
    assert.equal(mayPartition({ type: 'eq', term: 'tstz', value: '1970-01-01T05:30:00+00:00' }, spec, { h: 5 }), true);
    assert.equal(mayPartition({ type: 'eq', term: 'tstz', value: '1970-01-01T05:30:00+00:00' }, spec, { h: 6 }), false);
  });

  it('evaluates identity partitions exactly, nulls and NaNs included', () => {
    const spec = specOf([2, 'name', 'identity'], [7, 'score', 'identity']);
    assert.equal(mayPartition({ type: 'eq', term: 'name', value: 'a' }, spec, { name: 'a' }), true);
    assert.equal(mayPartition({ type: 'not-eq', term: 'name', value: 'a' }, spec, { name: 'a' }), false);
    assert.equal(mayPartition({ type: 'not-in', term: 'name', values: ['a', 'b'] }, spec, { name: 'b' }), false);
    assert.equal(mayPartition({ type: 'starts-with', term: 'name', value: 'ab' }, spec, { name: 'abc' }), true);
    assert.equal(mayPartition({ type: 'not-starts-with', term: 'name', value: 'ab' }, spec, { name: 'abc' }), false);
    assert.equal(mayPartition({ type: 'is-nan', term: 'score' }, spec, { score: Number.NaN }), true);
    assert.equal(mayPartition({ type: 'is-nan', term: 'score' }, spec, { score: 1 }), false);
    assert.equal(mayPartition({ type: 'not-nan', term: 'score' }, spec, { score: Number.NaN }), false);
    // Engines differ on how null compares with != and <; such partitions are kept.
    assert.equal(mayPartition({ type: 'not-eq', term: 'name', value: 'a' }, spec, { name: null }), true);
    assert.equal(mayPartition({ type: 'starts-with', term: 'name', value: 'a' }, spec, { name: null }), false);
  });

  it('projects truncate on integers, decimals and strings', () => {
    const spec = specOf([9, 'n10', 'truncate[10]'], [2, 's3', 'truncate[3]'], [6, 'p', 'truncate[50]']);
    assert.equal(mayPartition({ type: 'lt', term: 'n', value: 20 }, spec, { n10: 20 }), false);
    assert.equal(mayPartition({ type: 'lt', term: 'n', value: 21 }, spec, { n10: 20 }), true);
    assert.equal(mayPartition({ type: 'gt', term: 'n', value: 19 }, spec, { n10: 10 }), false);
    assert.equal(mayPartition({ type: 'eq', term: 'n', value: -1 }, spec, { n10: -10 }), true);
    assert.equal(mayPartition({ type: 'eq', term: 'n', value: -1 }, spec, { n10: 0 }), false);
    assert.equal(mayPartition({ type: 'starts-with', term: 'name', value: 'icebe' }, spec, { s3: 'ice' }), true);
    assert.equal(mayPartition({ type: 'starts-with', term: 'name', value: 'icebe' }, spec, { s3: 'ica' }), false);
    assert.equal(mayPartition({ type: 'starts-with', term: 'name', value: 'ic' }, spec, { s3: 'ica' }), true);
    assert.equal(mayPartition({ type: 'not-starts-with', term: 'name', value: 'ic' }, spec, { s3: 'ica' }), false);
    assert.equal(mayPartition({ type: 'not-starts-with', term: 'name', value: 'icab' }, spec, { s3: 'ica' }), true);
    assert.equal(mayPartition({ type: 'gt', term: 'name', value: 'icz' }, spec, { s3: 'ica' }), false);
    assert.equal(mayPartition({ type: 'lt', term: 'name', value: 'icb' }, spec, { s3: 'ica' }), true);
    assert.equal(mayPartition({ type: 'eq', term: 'price', value: '10.65' }, spec, { p: 1050n }), true);
    assert.equal(mayPartition({ type: 'eq', term: 'price', value: '10.65' }, spec, { p: 1000n }), false);
  });

  it('projects bucket for eq and in only', () => {
    const spec = specOf([9, 'b', 'bucket[100]']);
    assert.equal(mayPartition({ type: 'eq', term: 'n', value: 34 }, spec, { b: 79 }), true);
    assert.equal(mayPartition({ type: 'eq', term: 'n', value: 34 }, spec, { b: 78 }), false);
    assert.equal(mayPartition({ type: 'in', term: 'n', values: [34, 35] }, spec, { b: 79 }), true);
    assert.equal(mayPartition({ type: 'lt', term: 'n', value: 34 }, spec, { b: 0 }), true);
    assert.equal(mayPartition({ type: 'not-eq', term: 'n', value: 34 }, spec, { b: 79 }), true);
  });

  it('evaluates predicates on a matching transform term against the partition field directly', () => {
    const spec = specOf([3, 'ts_day', 'day'], [9, 'b', 'bucket[100]']);
    const onDay = { type: 'eq', term: { type: 'transform', transform: 'day', term: 'ts' }, value: '2024-01-01' };
    assert.equal(mayPartition(onDay, spec, { ts_day: 19723 }), true);
    assert.equal(mayPartition(onDay, spec, { ts_day: 19724 }), false);
    const onBucket = { type: 'eq', term: { type: 'transform', transform: 'bucket[100]', term: 'n' }, value: 3 };
    assert.equal(mayPartition(onBucket, spec, { b: 4 }), false);
    const onOther = { type: 'eq', term: { type: 'transform', transform: 'bucket[7]', term: 'n' }, value: 3 };
    assert.equal(mayPartition(onOther, spec, { b: 4 }), true);
  });

  it('keeps everything for void, unknown transforms and columns that are not partitioned', () => {
    const spec = specOf([9, 'v', 'void'], [1, 'z', 'zorder']);
    assert.equal(mayPartition({ type: 'not-null', term: 'n' }, spec, { v: null }), true);
    assert.equal(mayPartition({ type: 'eq', term: 'id', value: 1 }, spec, { v: null, z: 1 }), true);
    assert.equal(mayPartition({ type: 'eq', term: 'name', value: 'x' }, spec, { v: null }), true);
    assert.deepEqual(partitionFields(spec, SCHEMA).length, 1);
  });
});

describe('scan: manifest pruning by partition summaries', () => {
  const spec = specOf([3, 'ts_day', 'day'], [2, 'name', 'identity']);
  const summary = (lowerDay: number, upperDay: number, extra: object = {}) => [
    {
      containsNull: false,
      containsNan: false,
      lowerBound: toSingleValue('date', lowerDay),
      upperBound: toSingleValue('date', upperDay),
      ...extra,
    },
    {
      containsNull: true,
      containsNan: false,
      lowerBound: toSingleValue('string', 'b'),
      upperBound: toSingleValue('string', 'd'),
    },
  ];
  const may = (json: unknown, summaries: Parameters<typeof manifestMayMatch>[3]) =>
    manifestMayMatch(bindJson(json), spec, SCHEMA, summaries);

  it('compares projected predicates with the summary ranges', () => {
    const s = summary(19720, 19725);
    assert.equal(may({ type: 'gt-eq', term: 'ts', value: '2024-01-04T00:00:00' }, s), false);
    assert.equal(may({ type: 'gt-eq', term: 'ts', value: '2024-01-03T23:00:00' }, s), true);
    assert.equal(may({ type: 'lt', term: 'ts', value: '2023-12-29T00:00:00' }, s), false);
    assert.equal(may({ type: 'lt', term: 'ts', value: '2023-12-29T00:00:00.000001' }, s), true);
    assert.equal(may({ type: 'eq', term: 'name', value: 'a' }, s), false);
    assert.equal(may({ type: 'eq', term: 'name', value: 'c' }, s), true);
    assert.equal(may({ type: 'in', term: 'name', values: ['a', 'e'] }, s), false);
    assert.equal(may({ type: 'starts-with', term: 'name', value: 'e' }, s), false);
    assert.equal(may({ type: 'is-null', term: 'ts' }, s), false);
    assert.equal(may({ type: 'is-null', term: 'name' }, s), true);
    assert.equal(may({ type: 'not', child: { type: 'is-null', term: 'ts' } }, s), true);
    assert.equal(
      may({ type: 'or', left: { type: 'eq', term: 'name', value: 'a' }, right: { type: 'is-null', term: 'ts' } }, s),
      false,
    );
  });

  it('keeps manifests without summaries or bounds', () => {
    assert.equal(may({ type: 'eq', term: 'name', value: 'a' }, null), true);
    assert.equal(may({ type: 'eq', term: 'name', value: 'a' }, []), true);
    assert.equal(may({ type: 'eq', term: 'name', value: 'a' }, [summary(0, 0)[0]]), true);
    const noBounds = [summary(0, 0)[0], { containsNull: true }];
    assert.equal(may({ type: 'eq', term: 'name', value: 'a' }, noBounds), true);
    assert.equal(
      may({ type: 'eq', term: 'ts', value: '2024-01-01T00:00:00' }, summary(0, 0, { lowerBound: null })),
      false,
    );
    assert.equal(
      may({ type: 'eq', term: 'ts', value: '1970-01-01T00:00:00' }, summary(0, 0, { lowerBound: null })),
      true,
    );
  });
});

/** Random values of a source column, dense around 1970 and around unit boundaries so edges are hit. */
const GENERATORS: Record<string, (r: Gen) => IcebergPrimitiveValue> = {
  ts: (r) =>
    BigInt(int(r, -800, 800)) * DAY_US +
    pick(r, [0n, 1n, -1n, BigInt(int(r, 0, 23)) * 3_600_000_000n, BigInt(int(r, 0, 86_399_999)) * 1000n]),
  d: (r) => int(r, -800, 800),
  n: (r) => int(r, -60, 60),
  id: (r) => pick(r, [BigInt(int(r, -300, 300)), 9007199254740993n + BigInt(int(r, -3, 3))]),
  name: (r) => Array.from({ length: int(r, 0, 5) }, () => pick(r, ['a', 'b', 'c', 'é', '😀', '\uFF71'])).join(''),
  price: (r) => BigInt(int(r, -300, 300)),
};

const COLUMN_TYPES: Record<string, string> = {
  ts: 'timestamp',
  d: 'date',
  n: 'int',
  id: 'long',
  name: 'string',
  price: 'decimal(10, 2)',
};

/** The literal JSON for a value: what a client would send. */
function toJsonLiteral(column: string, v: IcebergPrimitiveValue): unknown {
  if (column === 'price') {
    const b = v as bigint;
    const abs = b < 0n ? -b : b;
    return `${b < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
  }
  return v;
}

function compareRow(a: IcebergPrimitiveValue, b: IcebergPrimitiveValue): number {
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SQL's three-valued result of a predicate on one row value: null when the value is null. */
function rowResult(op: string, v: IcebergPrimitiveValue | null, lits: IcebergPrimitiveValue[]): boolean | null {
  if (op === 'is-null') return v === null;
  if (op === 'not-null') return v !== null;
  if (v === null) return null;
  const c = compareRow(v, lits[0]);
  switch (op) {
    case 'lt':
      return c < 0;
    case 'lt-eq':
      return c <= 0;
    case 'gt':
      return c > 0;
    case 'gt-eq':
      return c >= 0;
    case 'eq':
      return c === 0;
    case 'not-eq':
      return c !== 0;
    case 'in':
      return lits.some((l) => compareRow(v, l) === 0);
    case 'not-in':
      return lits.every((l) => compareRow(v, l) !== 0);
    case 'starts-with':
      return (v as string).startsWith(lits[0] as string);
    case 'not-starts-with':
      return !(v as string).startsWith(lits[0] as string);
  }
  throw new Error(op);
}

const show = (x: unknown) => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

const not3 = (x: boolean | null) => (x === null ? null : !x);

const PARTITIONINGS: [column: string, transform: string][] = [
  ['ts', 'day'],
  ['ts', 'month'],
  ['ts', 'year'],
  ['ts', 'hour'],
  ['ts', 'identity'],
  ['d', 'day'],
  ['d', 'month'],
  ['d', 'year'],
  ['n', 'identity'],
  ['n', 'truncate[10]'],
  ['n', 'bucket[8]'],
  ['id', 'truncate[100]'],
  ['id', 'bucket[16]'],
  ['name', 'identity'],
  ['name', 'truncate[2]'],
  ['name', 'bucket[5]'],
  ['price', 'truncate[50]'],
  ['price', 'bucket[3]'],
];

const SOURCE_IDS: Record<string, number> = { ts: 3, d: 5, n: 9, id: 1, name: 2, price: 6 };

describe('scan: partition projection is inclusive (property, fixed seed)', () => {
  for (const [column, transform] of PARTITIONINGS) {
    it(`${transform}(${column}): every matching row's partition and manifest may match`, () => {
      const r = rng(0x5eed + column.length * 31 + transform.length);
      const type = COLUMN_TYPES[column];
      const spec = specOf([SOURCE_IDS[column], 'p', transform]);
      const field = partitionFields(spec, SCHEMA)[0];
      const partitionType: PartitionFieldType[] = [{ fieldId: 1000, name: 'p', type: field.resultType }];
      const ops = ['lt', 'lt-eq', 'gt', 'gt-eq', 'eq', 'not-eq', 'in', 'not-in', 'is-null', 'not-null'];
      if (column === 'name') ops.push('starts-with', 'not-starts-with');
      let matched = 0;
      let pruned = 0;
      for (let round = 0; round < 250; round++) {
        const op = pick(r, ops);
        const lits = Array.from({ length: op.endsWith('in') ? int(r, 1, 3) : 1 }, () => GENERATORS[column](r));
        const negated = r() < 0.3;
        const pred: Record<string, unknown> = { type: op, term: column };
        if (op.endsWith('in')) pred['values'] = lits.map((l) => toJsonLiteral(column, l));
        else if (!op.includes('null')) pred['value'] = toJsonLiteral(column, lits[0]);
        const bound: BoundExpression = bindJson(negated ? { type: 'not', child: pred } : pred);
        const mayMatch = partitionMayMatch(bound, spec, SCHEMA);
        const rows = Array.from({ length: 40 }, () => (r() < 0.1 ? null : GENERATORS[column](r)));
        const entries: ManifestEntry[] = [];
        let anyMatch = false;
        const matchedAt: boolean[] = [];
        for (const v of rows) {
          const p = v === null ? null : (applyTransform(field.transform, type, v) ?? null);
          const tuple = { p };
          const result = rowResult(op, v, lits);
          const matches = (negated ? not3(result) : result) === true;
          const keep = mayMatch(tuple);
          matchedAt.push(matches);
          entries.push({
            status: EntryStatus.ADDED,
            snapshotId: null,
            sequenceNumber: null,
            fileSequenceNumber: null,
            dataFile: {
              content: FileContent.DATA,
              filePath: 'f',
              fileFormat: 'PARQUET',
              partition: tuple,
              recordCount: 1,
              fileSizeInBytes: 1,
            },
          });
          if (matches) {
            matched++;
            anyMatch = true;
            assert.ok(keep, `${show(bound)} row ${v} partition ${p}`);
          } else if (!keep) pruned++;
        }
        // A manifest holding all these rows' files holds a matching one, so it must be kept.
        if (anyMatch) {
          const all = partitionSummaries(partitionType, entries);
          assert.ok(manifestMayMatch(bound, spec, SCHEMA, all), `manifest pruned for ${show(pred)}`);
          // And a narrow manifest: one matching row's file with its neighbour in the list.
          const i = entries.findIndex((_e, k) => matchedAt[k]);
          const narrow = partitionSummaries(partitionType, entries.slice(i, i + 2));
          assert.ok(manifestMayMatch(bound, spec, SCHEMA, narrow), `narrow manifest pruned for ${show(pred)}`);
        }
      }
      assert.ok(matched > 100, `too few matching rows (${matched}) to mean anything`);
      if (!transform.startsWith('bucket')) assert.ok(pruned > 0, 'the projection never pruned');
      // Projection output is well-formed: every leaf names the partition field.
      const projected = projectToPartition(bindJson({ type: 'is-null', term: column }), [field]);
      assert.ok(projected.type === 'is-null' && projected.term.kind === 'column' && projected.term.field.name === 'p');
    });
  }
});
