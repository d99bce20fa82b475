import assert from 'node:assert/strict';
import { FileContent, type DataFile } from '../avro/manifest.ts';
import { toSingleValue, type IcebergPrimitiveValue } from '../avro/single-value.ts';
import { DeleteIndex, type DeleteEntry } from './delete-index.ts';
import {
  equalityDeleteMayApply,
  equalityDeleteMayMatchFilter,
  equalityFields,
  type EqualityFields,
  type FileMetrics,
} from './equality-overlap.ts';
import { bindJson, int, pick, rng, type Gen } from './test-schema.ts';

const SCHEMA = {
  type: 'struct',
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'name', type: 'string', required: false },
    { id: 3, name: 'score', type: 'double', required: false },
    { id: 4, name: 'd', type: 'date', required: false },
    { id: 5, name: 'u', type: 'uuid', required: false },
    { id: 6, name: 'loc', required: false, type: { type: 'struct', fields: [{ id: 7, name: 'zip', type: 'int' }] } },
    { id: 8, name: 'tags', required: false, type: { type: 'list', 'element-id': 9, element: 'string' } },
  ],
};
const FIELDS = equalityFields([SCHEMA]);
const TYPES: Record<number, string> = { 1: 'long', 2: 'string', 3: 'double', 4: 'date', 5: 'uuid', 7: 'int' };

/** Metrics of one column: counts, and bounds encoded as a manifest holds them. */
interface Col {
  values?: number;
  nulls?: number;
  nans?: number;
  lower?: IcebergPrimitiveValue;
  upper?: IcebergPrimitiveValue;
  /** Raw bound bytes, to write what no encoder would. */
  lowerBytes?: Uint8Array;
}

function metrics(cols: Record<number, Col>): FileMetrics {
  const m = {
    valueCounts: new Map<number, bigint>(),
    nullValueCounts: new Map<number, bigint>(),
    nanValueCounts: new Map<number, bigint>(),
    lowerBounds: new Map<number, Uint8Array>(),
    upperBounds: new Map<number, Uint8Array>(),
  };
  for (const [key, c] of Object.entries(cols)) {
    const id = Number(key);
    if (c.values !== undefined) m.valueCounts.set(id, BigInt(c.values));
    if (c.nulls !== undefined) m.nullValueCounts.set(id, BigInt(c.nulls));
    if (c.nans !== undefined) m.nanValueCounts.set(id, BigInt(c.nans));
    if (c.lower !== undefined) m.lowerBounds.set(id, toSingleValue(TYPES[id], c.lower));
    if (c.lowerBytes) m.lowerBounds.set(id, c.lowerBytes);
    if (c.upper !== undefined) m.upperBounds.set(id, toSingleValue(TYPES[id], c.upper));
  }
  return m;
}

const del = (ids: number[], cols: Record<number, Col>) => ({ ...metrics(cols), equalityIds: ids });
const may = (data: FileMetrics, d: FileMetrics & { equalityIds: number[] }, fields: EqualityFields = FIELDS) =>
  equalityDeleteMayApply(data, d, fields);

describe('equalityFields', () => {
  it('indexes primitive fields through structs; lists and structs have no primitive type', () => {
    assert.deepEqual(FIELDS.get(1), { type: 'long', required: true });
    assert.deepEqual(FIELDS.get(7), { type: 'int', required: false });
    assert.deepEqual(FIELDS.get(6), { type: undefined, required: false });
    assert.deepEqual(FIELDS.get(8), { type: undefined, required: false });
    assert.equal(FIELDS.get(9), undefined);
  });

  it('counts a field optional in any schema as optional, and a type that changed as unknown', () => {
    const older = { fields: [{ id: 1, name: 'id', type: 'int', required: false }] };
    assert.deepEqual(equalityFields([SCHEMA, older]).get(1), { type: undefined, required: false });
    const same = { fields: [{ id: 1, name: 'id', type: 'long', required: false }] };
    assert.deepEqual(equalityFields([SCHEMA, same]).get(1), { type: 'long', required: false });
  });
});

describe('equalityDeleteMayApply', () => {
  const ids = (lo: bigint, hi: bigint, nulls = 0): Col => ({ values: 10, nulls, lower: lo, upper: hi });

  it('rules a delete out when the ranges of an equality field do not overlap, either way round', () => {
    const data = metrics({ 1: ids(1n, 100n) });
    assert.equal(may(data, del([1], { 1: ids(101n, 200n) })), false);
    assert.equal(may(data, del([1], { 1: ids(-5n, 0n) })), false);
    assert.equal(may(data, del([1], { 1: ids(100n, 200n) })), true);
    assert.equal(may(data, del([1], { 1: ids(-5n, 1n) })), true);
    assert.equal(may(data, del([1], { 1: ids(50n, 60n) })), true);
  });

  it('rules a delete out on any one of several equality fields', () => {
    const data = metrics({ 1: ids(1n, 100n), 4: { values: 10, nulls: 0, lower: 100, upper: 200 } });
    assert.equal(may(data, del([1, 4], { 1: ids(1n, 5n), 4: { values: 1, nulls: 0, lower: 300, upper: 300 } })), false);
    assert.equal(may(data, del([1, 4], { 1: ids(1n, 5n), 4: { values: 1, nulls: 0, lower: 150, upper: 150 } })), true);
  });

  it('may apply whenever a bound is missing, on either side, or the test has no fields', () => {
    const data = metrics({ 1: ids(1n, 100n) });
    assert.equal(may(data, del([1], { 1: { values: 3, nulls: 0, lower: 500n } })), true);
    assert.equal(may(metrics({}), del([1], { 1: ids(500n, 600n) })), true);
    assert.equal(may(data, del([1], {})), true);
    assert.equal(equalityDeleteMayApply(data, del([1], { 1: ids(500n, 600n) }), undefined), true);
  });

  it('keeps a delete with a null for a data file that may hold nulls, bounds or not', () => {
    const name = (lower: string, upper: string, nulls: number | undefined): Col => ({ values: 5, nulls, lower, upper });
    const data = metrics({ 2: name('a', 'b', 2) });
    assert.equal(may(data, del([2], { 2: name('x', 'y', 1) })), true);
    // No null count: nulls may be there.
    assert.equal(may(metrics({ 2: name('a', 'b', undefined) }), del([2], { 2: name('x', 'y', 1) })), true);
    // No nulls in the data file: the ranges decide.
    assert.equal(may(metrics({ 2: name('a', 'b', 0) }), del([2], { 2: name('x', 'y', 1) })), false);
  });

  it('rules out only-null files against files without nulls, and keeps them against files with some', () => {
    const allNull: Col = { values: 4, nulls: 4 };
    const noNull: Col = { values: 4, nulls: 0, lower: 'a', upper: 'z' };
    assert.equal(may(metrics({ 2: allNull }), del([2], { 2: noNull })), false);
    assert.equal(may(metrics({ 2: noNull }), del([2], { 2: allNull })), false);
    assert.equal(may(metrics({ 2: allNull }), del([2], { 2: allNull })), true);
    // Without a null count the delete may hold nulls too.
    assert.equal(may(metrics({ 2: allNull }), del([2], { 2: { values: 4 } })), true);
  });

  it('reads a required column as null-free whatever the counts say', () => {
    const data = metrics({ 1: { values: 10, lower: 1n, upper: 10n } });
    assert.equal(may(data, del([1], { 1: { values: 2, lower: 20n, upper: 30n } })), false);
  });

  it('keeps deletes of a float column when both files may hold NaN, which bounds leave out', () => {
    const data = (nans?: number): Col => ({ values: 10, nulls: 0, nans, lower: 1, upper: 2 });
    const d = (nans?: number): Col => ({ values: 10, nulls: 0, nans, lower: 5, upper: 6 });
    assert.equal(may(metrics({ 3: data(1) }), del([3], { 3: d(1) })), true);
    assert.equal(may(metrics({ 3: data(undefined) }), del([3], { 3: d(undefined) })), true);
    assert.equal(may(metrics({ 3: data(0) }), del([3], { 3: d(1) })), false);
    assert.equal(may(metrics({ 3: data(1) }), del([3], { 3: d(0) })), false);
  });

  it('keeps deletes whose order against the data is in doubt: NaN bounds, signed zeros, UUIDs', () => {
    const nanBound: Col = { values: 10, nulls: 0, nans: 0, lower: Number.NaN, upper: Number.NaN };
    assert.equal(
      may(metrics({ 3: nanBound }), del([3], { 3: { values: 1, nulls: 0, nans: 0, lower: 1, upper: 1 } })),
      true,
    );
    const negZero: Col = { values: 1, nulls: 0, nans: 0, lower: -1, upper: -0 };
    assert.equal(
      may(metrics({ 3: negZero }), del([3], { 3: { values: 1, nulls: 0, nans: 0, lower: 0, upper: 1 } })),
      true,
    );
    const u = (s: string): Col => ({ values: 1, nulls: 0, lower: s, upper: s });
    const a = '00000000-0000-0000-0000-000000000001';
    const b = '00000000-0000-0000-0000-000000000002';
    assert.equal(may(metrics({ 5: u(a) }), del([5], { 5: u(b) })), true);
  });

  it('reads a string upper bound as possibly cut short: a lower bound that starts with it may be reached', () => {
    const data = metrics({ 2: { values: 3, nulls: 0, lower: 'abc', upper: 'abz' } });
    // The delete's upper bound "ab" may stand for "abq…": no proof that the ranges miss.
    assert.equal(may(data, del([2], { 2: { values: 3, nulls: 0, lower: 'aa', upper: 'ab' } })), true);
    assert.equal(may(data, del([2], { 2: { values: 3, nulls: 0, lower: 'aa', upper: 'aa' } })), false);
    assert.equal(may(data, del([2], { 2: { values: 3, nulls: 0, lower: 'b', upper: 'c' } })), false);
  });

  it('ignores a bound that does not decode (a string cut inside a character) and fields the schemas lack', () => {
    const data = metrics({ 2: { values: 3, nulls: 0, lower: 'a', upper: 'b' } });
    const broken = new Uint8Array([0x7a, 0xe2, 0x82]);
    assert.equal(may(data, del([2], { 2: { values: 3, nulls: 0, lowerBytes: broken, upper: 'zz' } })), true);
    assert.equal(may(data, del([42], {})), true);
    // A struct column as equality field: no stats to read, may apply.
    assert.equal(may(data, del([6], {})), true);
  });
});

describe('equalityDeleteMayMatchFilter', () => {
  const deleteFile = (equalityIds: number[], cols: Record<number, Col>): DataFile => ({
    content: FileContent.EQUALITY_DELETES,
    filePath: 'del',
    fileFormat: 'PARQUET',
    partition: {},
    recordCount: 3,
    fileSizeInBytes: 1,
    equalityIds,
    ...metrics(cols),
  });
  const ids150To160: Col = { values: 3, nulls: 0, lower: 150n, upper: 160n };

  it('drops a delete whose equality column values cannot satisfy the filter', () => {
    const d = deleteFile([1], { 1: ids150To160 });
    assert.equal(equalityDeleteMayMatchFilter(bindJson({ type: 'lt', term: 'id', value: 100 }), d), false);
    assert.equal(equalityDeleteMayMatchFilter(bindJson({ type: 'gt', term: 'id', value: 155 }), d), true);
    assert.equal(equalityDeleteMayMatchFilter(bindJson({ type: 'is-null', term: 'id' }), d), false);
    const either = {
      type: 'or',
      left: { type: 'lt', term: 'id', value: 100 },
      right: { type: 'eq', term: 'name', value: 'x' },
    };
    assert.equal(equalityDeleteMayMatchFilter(bindJson(either), d), true);
  });

  it('reads no metrics of columns outside the equality ids: they say nothing of the rows deleted', () => {
    // The delete file also holds names "a".."b", but it deletes by id alone: a row named "z" may be deleted.
    const d = deleteFile([1], { 1: ids150To160, 2: { values: 3, nulls: 0, lower: 'a', upper: 'b' } });
    assert.equal(equalityDeleteMayMatchFilter(bindJson({ type: 'eq', term: 'name', value: 'z' }), d), true);
    const byName = deleteFile([1, 2], { 1: ids150To160, 2: { values: 3, nulls: 0, lower: 'a', upper: 'b' } });
    assert.equal(equalityDeleteMayMatchFilter(bindJson({ type: 'eq', term: 'name', value: 'z' }), byName), false);
  });
});

describe('DeleteIndex with equality fields', () => {
  const file = (path: string, content: FileContent, cols: Record<number, Col>, over: Partial<DataFile> = {}) =>
    ({
      content,
      filePath: path,
      fileFormat: 'PARQUET',
      partition: {},
      recordCount: 1,
      fileSizeInBytes: 1,
      ...metrics(cols),
      ...over,
    }) as DataFile;
  const range = (lo: bigint, hi: bigint): Record<number, Col> => ({ 1: { values: 5, nulls: 0, lower: lo, upper: hi } });
  const eq = (path: string, lo: bigint, hi: bigint): DeleteEntry => ({
    file: file(path, FileContent.EQUALITY_DELETES, range(lo, hi), { equalityIds: [1] }),
    dataSequenceNumber: 5n,
    specId: 0,
  });
  const pos: DeleteEntry = {
    file: file('pos', FileContent.POSITION_DELETES, range(900n, 901n)),
    dataSequenceNumber: 5n,
    specId: 0,
  };
  const specs = new Map([[0, { 'spec-id': 0, fields: [] }]]);

  it('attaches only the equality deletes whose ranges meet the data file; position deletes as before', () => {
    const deletes = [eq('low', 0n, 9n), eq('high', 500n, 600n), pos, eq('mid', 40n, 60n)];
    const index = new DeleteIndex(deletes, { specs, fields: FIELDS });
    const data = file('d', FileContent.DATA, range(10n, 50n));
    assert.deepEqual(index.forDataFile(data, 1n, 0), [2, 3]);
    // Without fields, as before: every newer equality delete.
    assert.deepEqual(new DeleteIndex(deletes, { specs }).forDataFile(data, 1n, 0), [0, 1, 2, 3]);
    // A data file without stats gets them all.
    assert.deepEqual(index.forDataFile(file('bare', FileContent.DATA, {}), 1n, 0), [0, 1, 2, 3]);
  });
});

/**
 * Seeded property: a delete file that holds a row equal (on its equality fields) to a row of the data file is never
 * ruled out, whatever the metrics writers recorded: counts present or not, bounds cut to prefixes (rounded up or
 * not), NaN and nulls anywhere.
 */
describe('equalityDeleteMayApply, seeded property', () => {
  type V = IcebergPrimitiveValue | null;
  const COLS = [1, 2, 3, 4];

  const valueOf = (r: Gen, id: number): V => {
    const nullable = id !== 1;
    if (nullable && r() < 0.15) return null;
    switch (id) {
      case 1:
        return BigInt(int(r, -5, 5));
      case 2:
        return pick(r, ['', 'a', 'ab', 'abc', 'abd', 'b', 'ba', 'é', 'éa', 'z']);
      case 3:
        return pick(r, [Number.NaN, -1.5, -0, 0, 0.5, 2, Number.POSITIVE_INFINITY]);
      default:
        return int(r, -3, 3);
    }
  };

  const same = (a: V, b: V) => {
    if (a === null || b === null) return a === b;
    if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || a === b;
    return a === b;
  };

  const cmp = (id: number, a: IcebergPrimitiveValue, b: IcebergPrimitiveValue) => {
    if (id === 2) return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string));
    return a < b ? -1 : a > b ? 1 : 0;
  };

  /** Column metrics of some values as an arbitrary (but truthful) writer records them. */
  function colOf(r: Gen, id: number, values: V[]): Col {
    const col: Col = {};
    if (r() < 0.9) col.values = values.length;
    if (r() < 0.85) col.nulls = values.filter((v) => v === null).length;
    if (id === 3 && r() < 0.85) col.nans = values.filter((v) => typeof v === 'number' && Number.isNaN(v)).length;
    const plain = values.filter((v): v is IcebergPrimitiveValue => v !== null && !(typeof v === 'number' && isNaN(v)));
    if (plain.length === 0 || r() < 0.1) return col;
    const sorted = [...plain].sort((a, b) => cmp(id, a, b));
    let lower: IcebergPrimitiveValue = sorted[0];
    let upper: IcebergPrimitiveValue = sorted[sorted.length - 1];
    if (id === 2 && r() < 0.5) {
      // Bounds cut to one character: the lower one stays below the minimum; the upper one is either cut only (a
      // prefix of the maximum) or rounded up past it, as Iceberg writers do.
      lower = [...(lower as string)].slice(0, 1).join('');
      const cut = [...(upper as string)].slice(0, 1).join('');
      upper = cut !== upper && r() < 0.5 && cut ? String.fromCodePoint(cut.codePointAt(0)! + 1) : cut;
    }
    if (r() < 0.9) col.lower = lower;
    if (r() < 0.9) col.upper = upper;
    return col;
  }

  it('never rules out a delete file that deletes a row of the data file (3000 seeded cases)', () => {
    let pruned = 0;
    let matched = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rng(seed);
      const eqIds = COLS.filter(() => r() < 0.5);
      if (eqIds.length === 0) eqIds.push(pick(r, COLS));
      const rows = (n: number) =>
        Array.from({ length: n }, () => Object.fromEntries(COLS.map((id) => [id, valueOf(r, id)])));
      const dataRows = rows(int(r, 1, 4));
      const deleteRows = rows(int(r, 1, 3));
      const colsOf = (rs: Record<number, V>[]) =>
        Object.fromEntries(
          COLS.map((id) => [
            id,
            colOf(
              r,
              id,
              rs.map((x) => x[id]),
            ),
          ]),
        );
      const data = metrics(colsOf(dataRows));
      const d = del(eqIds, colsOf(deleteRows));
      const deletesSome = dataRows.some((x) => deleteRows.some((y) => eqIds.every((id) => same(x[id], y[id]))));
      const answer = may(data, d);
      if (deletesSome) {
        matched++;
        assert.equal(answer, true, `seed ${seed}: ${JSON.stringify({ eqIds, dataRows, deleteRows }, replacer)}`);
      } else if (!answer) {
        pruned++;
      }
    }
    // The property is only worth something if both kinds of cases came up.
    assert.ok(matched > 300, `${matched} cases where the delete applies`);
    assert.ok(pruned > 300, `${pruned} cases ruled out`);
  });

  const replacer = (_k: string, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
});
