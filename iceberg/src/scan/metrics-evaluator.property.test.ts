import assert from 'node:assert/strict';
import { FileContent, type DataFile } from '../avro/manifest.ts';
import { toSingleValue, type IcebergPrimitiveValue } from '../avro/single-value.ts';
import { fileMayMatch } from './metrics-evaluator.ts';
import { bindJson, int, pick, rng, type Gen } from './test-schema.ts';
import { parseTransform } from '../model/transforms.ts';
import { applyTransform, truncateString } from './transform-values.ts';

interface Column {
  name: string;
  id: number;
  type: string;
  gen: (r: Gen) => IcebergPrimitiveValue;
  json: (v: IcebergPrimitiveValue) => unknown;
}

const COLUMNS: Column[] = [
  { name: 'id', id: 1, type: 'long', gen: (r) => BigInt(int(r, -50, 50)) + pick(r, [0n, 1n << 60n]), json: (v) => v },
  { name: 'n', id: 9, type: 'int', gen: (r) => int(r, -30, 30), json: (v) => v },
  {
    name: 'score',
    id: 7,
    type: 'double',
    gen: (r) => pick(r, [Number.NaN, -0, 0, int(r, -5, 5) / 2, Infinity]),
    json: (v) => v,
  },
  {
    name: 'name',
    id: 2,
    type: 'string',
    gen: (r) => Array.from({ length: int(r, 0, 4) }, () => pick(r, ['a', 'b', 'é', '😀', '\uFF71'])).join(''),
    json: (v) => v,
  },
  {
    name: 'price',
    id: 6,
    type: 'decimal(10, 2)',
    gen: (r) => BigInt(int(r, -999, 999)),
    json: (v) => {
      const b = v as bigint;
      const abs = b < 0n ? -b : b;
      return `${b < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
    },
  },
];

const byCodePoint = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function compareRow(a: IcebergPrimitiveValue, b: IcebergPrimitiveValue): number {
  if (typeof a === 'string' && typeof b === 'string') return byCodePoint(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A predicate on one row: SQL semantics, IEEE for NaN (no comparison holds), null for a null value. */
function rowResult(op: string, v: IcebergPrimitiveValue | null, lits: IcebergPrimitiveValue[]): boolean | null {
  if (op === 'is-null') return v === null;
  if (op === 'not-null') return v !== null;
  if (v === null) return null;
  const nan = typeof v === 'number' && Number.isNaN(v);
  if (op === 'is-nan') return nan;
  if (op === 'not-nan') return !nan;
  const eq = (l: IcebergPrimitiveValue) => !nan && compareRow(v, l) === 0;
  const c = compareRow(v, lits[0]);
  switch (op) {
    case 'lt':
      return !nan && c < 0;
    case 'lt-eq':
      return !nan && c <= 0;
    case 'gt':
      return !nan && c > 0;
    case 'gt-eq':
      return !nan && c >= 0;
    case 'eq':
      return eq(lits[0]);
    case 'not-eq':
      return !eq(lits[0]);
    case 'in':
      return lits.some(eq);
    case 'not-in':
      return !lits.some(eq);
    case 'starts-with':
      return (v as string).startsWith(lits[0] as string);
    case 'not-starts-with':
      return !(v as string).startsWith(lits[0] as string);
  }
  throw new Error(op);
}

/**
 * Metrics as a writer would compute them, NaN kept out of the bounds. String bounds are cut to two characters
 * without rounding the upper one up, the weakest bounds a writer may leave.
 */
function fileOf(column: Column, rows: (IcebergPrimitiveValue | null)[]): DataFile {
  const present = rows.filter((v): v is IcebergPrimitiveValue => v !== null && !(typeof v === 'number' && isNaN(v)));
  let lower: IcebergPrimitiveValue | undefined;
  let upper: IcebergPrimitiveValue | undefined;
  for (const v of present) {
    if (lower === undefined || compareRow(v, lower) < 0) lower = v;
    if (upper === undefined || compareRow(v, upper) > 0) upper = v;
  }
  if (typeof lower === 'string') lower = truncateString(lower, 2);
  if (typeof upper === 'string') upper = truncateString(upper, 2);
  const id = column.id;
  const nans = rows.filter((v) => typeof v === 'number' && Number.isNaN(v)).length;
  return {
    content: FileContent.DATA,
    filePath: 'f',
    fileFormat: 'PARQUET',
    partition: {},
    recordCount: rows.length,
    fileSizeInBytes: 1,
    valueCounts: new Map([[id, rows.length]]),
    nullValueCounts: new Map([[id, rows.filter((v) => v === null).length]]),
    nanValueCounts: column.type === 'double' ? new Map([[id, nans]]) : null,
    lowerBounds: lower === undefined ? null : new Map([[id, toSingleValue(column.type, lower)]]),
    upperBounds: upper === undefined ? null : new Map([[id, toSingleValue(column.type, upper)]]),
  };
}

const show = (x: unknown) => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

describe('scan: metrics evaluator is inclusive (property, fixed seed)', () => {
  for (const column of COLUMNS) {
    it(`${column.name} (${column.type}): a file with a matching row is never skipped`, () => {
      const r = rng(0xf11e + column.id);
      const ops = ['lt', 'lt-eq', 'gt', 'gt-eq', 'eq', 'not-eq', 'in', 'not-in', 'is-null', 'not-null'];
      if (column.type === 'double') ops.push('is-nan', 'not-nan');
      if (column.type === 'string') ops.push('starts-with', 'not-starts-with');
      let matchingFiles = 0;
      let skipped = 0;
      for (let round = 0; round < 1500; round++) {
        const op = pick(r, ops);
        const lits = Array.from({ length: op.endsWith('in') ? int(r, 1, 3) : 1 }, () => {
          for (;;) {
            const v = column.gen(r);
            if (!(typeof v === 'number' && Number.isNaN(v))) return v; // NaN is no comparison literal
          }
        });
        const pred: Record<string, unknown> = { type: op, term: column.name };
        if (op.endsWith('in')) pred['values'] = lits.map(column.json);
        else if (!op.includes('null') && !op.includes('nan')) pred['value'] = column.json(lits[0]);
        const negated = r() < 0.3;
        const json = negated ? { type: 'not', child: pred } : pred;
        const rows = Array.from({ length: int(r, 1, 4) }, () => (r() < 0.15 ? null : column.gen(r)));
        const matches = rows.some((v) => {
          const result = rowResult(op, v, lits);
          return (negated ? (result === null ? null : !result) : result) === true;
        });
        const file = fileOf(column, rows);
        const may = fileMayMatch(bindJson(json), file);
        if (matches) {
          matchingFiles++;
          assert.ok(may, `${show(json)} skipped a file with rows ${show(rows)}`);
        } else if (!may) skipped++;
      }
      assert.ok(matchingFiles > 200, `too few matching files (${matchingFiles})`);
      assert.ok(skipped > 50, `the evaluator skipped too little (${skipped}) to be tested`);
    });
  }
});

const TRANSFORMED: [
  column: string,
  id: number,
  type: string,
  transform: string,
  gen: (r: Gen) => IcebergPrimitiveValue,
][] = [
  ['ts', 3, 'timestamp', 'day', (r) => BigInt(int(r, -5, 5)) * 43_200_000_000n + BigInt(int(r, -2, 2))],
  ['ts', 3, 'timestamp', 'hour', (r) => BigInt(int(r, -5, 5)) * 1_800_000_000n + BigInt(int(r, -2, 2))],
  ['ts', 3, 'timestamp', 'month', (r) => BigInt(int(r, -90, 90)) * 86_400_000_000n],
  ['d', 5, 'date', 'year', (r) => int(r, -800, 800)],
  ['n', 9, 'int', 'truncate[4]', (r) => int(r, -12, 12)],
  ['id', 1, 'long', 'truncate[4]', (r) => BigInt(int(r, -12, 12))],
  ['n', 9, 'int', 'bucket[3]', (r) => int(r, -12, 12)],
];

describe('scan: metrics evaluator on transform terms is inclusive (property, fixed seed)', () => {
  for (const [name, id, type, transform, gen] of TRANSFORMED) {
    it(`${transform}(${name}): a file with a matching row is never skipped`, () => {
      const r = rng(0x7a5f + id + transform.length);
      const column: Column = { name, id, type, gen, json: (v) => v };
      const t = parseTransform(transform);
      assert.ok(typeof t !== 'string');
      const ops = ['lt', 'lt-eq', 'gt', 'gt-eq', 'eq', 'not-eq', 'in', 'not-in', 'is-null', 'not-null'];
      let matchingFiles = 0;
      let skipped = 0;
      for (let round = 0; round < 800; round++) {
        const op = pick(r, ops);
        const rows = Array.from({ length: int(r, 1, 4) }, () => (r() < 0.15 ? null : gen(r)));
        // Literals are transform results: take them from transformed random values, so they hit the edges.
        const lits = Array.from({ length: op.endsWith('in') ? int(r, 1, 3) : 1 }, () =>
          applyTransform(t, type, gen(r))!,
        );
        const term = { type: 'transform', transform, term: name };
        const pred: Record<string, unknown> = { type: op, term };
        if (op.endsWith('in')) pred['values'] = lits;
        else if (!op.includes('null')) pred['value'] = lits[0];
        const negated = r() < 0.3;
        const json = negated ? { type: 'not', child: pred } : pred;
        const matches = rows.some((v) => {
          const result = rowResult(op, v === null ? null : applyTransform(t, type, v)!, lits);
          return (negated ? (result === null ? null : !result) : result) === true;
        });
        const may = fileMayMatch(bindJson(json), fileOf(column, rows));
        if (matches) {
          matchingFiles++;
          assert.ok(may, `${show(json)} skipped a file with rows ${show(rows)}`);
        } else if (!may) skipped++;
      }
      assert.ok(matchingFiles > 100, `too few matching files (${matchingFiles})`);
      if (!transform.startsWith('bucket')) assert.ok(skipped > 20, `skipped too little (${skipped}) to be tested`);
    });
  }
});
