import assert from 'node:assert/strict';
import { EntryStatus, FileContent } from '../avro/manifest.ts';
import { toSingleValue } from '../avro/single-value.ts';
import { compareBound, fieldTypes, mayOverlap, regionsOf } from './file-bounds.ts';
import { entry, manifest, table } from './test-tables.ts';
import type { FileChange } from './snapshot-replay.ts';

/** Bounds and counts of column `id` (field 1, long) as a writer records them. */
function ids(lo: number, hi: number, nulls = 0) {
  return {
    lowerBounds: new Map([[1, toSingleValue('long', BigInt(lo))]]),
    upperBounds: new Map([[1, toSingleValue('long', BigInt(hi))]]),
    nullValueCounts: new Map([[1, nulls]]),
  };
}
const change = (file: string, data: Parameters<typeof entry>[3]): FileChange => ({
  entry: entry(file, EntryStatus.ADDED, {}, data),
  manifest: manifest('m.avro', 2n),
});
const types = fieldTypes(table());
const none = new Map<string, FileChange>();
const overlap = (a: FileChange, b: FileChange, files = none) =>
  regionsOf(a, files).some((x) => regionsOf(b, files).some((y) => mayOverlap(x, y, types)));

describe('file regions from column bounds', () => {
  it('reads the column types of every schema, nested fields included', () => {
    assert.equal(types.get(1), 'long');
    assert.equal(types.get(2), 'date');
  });

  it('tells files of one partition apart by disjoint bounds, and only then', () => {
    const rewritten = change('a.parquet', ids(1, 10));
    assert.equal(overlap(rewritten, change('b.parquet', ids(100, 200))), false);
    assert.equal(overlap(rewritten, change('c.parquet', ids(10, 20))), true, 'touching bounds overlap');
    assert.equal(overlap(rewritten, change('d.parquet', {})), true, 'no stats: conflict');
    const otherDay = change('e.parquet', { ...ids(1, 10), partition: { day: 1 } });
    assert.equal(overlap(rewritten, otherDay), false, 'another partition of the same spec');
    const otherSpec = {
      ...change('f.parquet', ids(1, 10)),
      manifest: { ...manifest('n.avro', 2n), partitionSpecId: 1 },
    };
    assert.equal(overlap(rewritten, { ...otherSpec, entry: { ...otherSpec.entry } }), true);
  });

  it('counts nulls: two files that may both hold a null overlap whatever their bounds', () => {
    assert.equal(overlap(change('a.parquet', ids(1, 10, 1)), change('b.parquet', ids(100, 200, 2))), true);
    assert.equal(overlap(change('a.parquet', ids(1, 10, 1)), change('b.parquet', ids(100, 200))), false);
    const unknownNulls = { ...ids(100, 200), nullValueCounts: null };
    assert.equal(overlap(change('a.parquet', ids(1, 10, 1)), change('b.parquet', unknownNulls)), true);
  });

  it('compares an equality delete file on its equality columns only', () => {
    const eq = {
      content: FileContent.EQUALITY_DELETES,
      equalityIds: [1],
      lowerBounds: new Map([
        [1, toSingleValue('long', 5n)],
        [2, toSingleValue('date', 19000)],
      ]),
      upperBounds: new Map([
        [1, toSingleValue('long', 5n)],
        [2, toSingleValue('date', 19000)],
      ]),
      nullValueCounts: new Map([
        [1, 0],
        [2, 0],
      ]),
    };
    const data = (lo: number, hi: number) => ({
      ...ids(lo, hi),
      lowerBounds: new Map([...ids(lo, hi).lowerBounds, [2, toSingleValue('date', 19800)]]),
      upperBounds: new Map([...ids(lo, hi).upperBounds, [2, toSingleValue('date', 19800)]]),
    });
    assert.equal(overlap(change('eq.parquet', eq), change('a.parquet', data(100, 200))), false);
    assert.equal(overlap(change('eq.parquet', eq), change('b.parquet', data(1, 10))), true, 'day bounds do not count');
  });

  it('resolves a position delete file to the data file it names, else to its whole partition', () => {
    const target = change('a.parquet', ids(1, 10));
    const files = new Map([[target.entry.dataFile.filePath, target]]);
    const path = target.entry.dataFile.filePath;
    const byField = { content: FileContent.POSITION_DELETES, referencedDataFile: path };
    const byBounds = {
      content: FileContent.POSITION_DELETES,
      lowerBounds: new Map([[2147483546, Buffer.from(path)]]),
      upperBounds: new Map([[2147483546, Buffer.from(path)]]),
    };
    const appended = change('new.parquet', ids(100, 200));
    assert.equal(overlap(change('pd1.parquet', byField), appended, files), false);
    assert.equal(overlap(change('pd2.parquet', byBounds), appended, files), false);
    assert.equal(overlap(change('pd1.parquet', byField), change('x.parquet', ids(3, 4)), files), true);
    const unnamed = { content: FileContent.POSITION_DELETES };
    assert.equal(overlap(change('pd3.parquet', unnamed), appended, files), true);
    assert.equal(overlap(change('pd1.parquet', byField), appended), true, 'data file not found: whole partition');
  });

  it('orders bounds by type; strings only when ASCII', () => {
    assert.equal(compareBound('int', toSingleValue('int', -3), toSingleValue('int', 2)), -1);
    assert.equal(compareBound('long', toSingleValue('int', 7), toSingleValue('long', 7n)), 0, 'promoted from int');
    assert.equal(compareBound('double', toSingleValue('double', 2.5), toSingleValue('double', -1)), 1);
    assert.equal(compareBound('string', Buffer.from('apple'), Buffer.from('banana')), -1);
    assert.equal(compareBound('string', Buffer.from('é'), Buffer.from('z')), undefined);
    assert.equal(compareBound('binary', Uint8Array.from([0xff]), Uint8Array.from([0x01])), 1);
    assert.equal(compareBound('long', Uint8Array.from([1, 2]), toSingleValue('long', 1n)), undefined);
  });
});
