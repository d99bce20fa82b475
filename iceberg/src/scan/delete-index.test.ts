import assert from 'node:assert/strict';
import { FileContent, type DataFile } from '../avro/manifest.ts';
import { DeleteIndex, isDeletionVector, partitionKey, referencedDataFile, type DeleteEntry } from './delete-index.ts';
import { DELETE_FILE_PATH_FIELD_ID, type PartitionSpecJson } from './rest-content-file.ts';

function file(path: string, over: Partial<DataFile> = {}): DataFile {
  return {
    content: FileContent.DATA,
    filePath: path,
    fileFormat: 'PARQUET',
    partition: {},
    recordCount: 1,
    fileSizeInBytes: 1,
    ...over,
  };
}

const day = (d: number | null) => ({ ts_day: d });
const pos = (path: string, partition: DataFile['partition'], over: Partial<DataFile> = {}) =>
  file(path, { content: FileContent.POSITION_DELETES, partition, ...over });
const eq = (path: string, partition: DataFile['partition']) =>
  file(path, { content: FileContent.EQUALITY_DELETES, partition, equalityIds: [1] });
const dv = (path: string, target: string) =>
  file(path, {
    content: FileContent.POSITION_DELETES,
    fileFormat: 'puffin',
    referencedDataFile: target,
    contentOffset: 4,
    contentSizeInBytes: 10,
  });
const entry = (f: DataFile, seq: bigint, specId = 1): DeleteEntry => ({ file: f, dataSequenceNumber: seq, specId });

describe('DeleteIndex', () => {
  const a = file('a.parquet', { partition: day(10) });

  it('applies a partition position delete with a sequence number >= the data file, not below', () => {
    const index = new DeleteIndex([
      entry(pos('p4', day(10)), 4n),
      entry(pos('p5', day(10)), 5n),
      entry(pos('p6', day(10)), 6n),
    ]);
    assert.deepEqual(index.forDataFile(a, 5n, 1), [1, 2]);
    assert.deepEqual(index.forDataFile(a, 7n, 1), []);
    assert.deepEqual(index.forDataFile(a, 0, 1), [0, 1, 2]);
  });

  it('applies an equality delete only when strictly newer', () => {
    const index = new DeleteIndex([
      entry(eq('e4', day(10)), 4n),
      entry(eq('e5', day(10)), 5n),
      entry(eq('e6', day(10)), 6n),
    ]);
    assert.deepEqual(index.forDataFile(a, 5n, 1), [2]);
    assert.deepEqual(index.forDataFile(a, 4n, 1), [1, 2]);
    assert.deepEqual(index.forDataFile(a, 6n, 1), []);
  });

  it('needs the same spec id and an equal partition tuple', () => {
    const index = new DeleteIndex([
      entry(pos('p-other-day', day(11)), 9n),
      entry(pos('p-other-spec', day(10)), 9n, 2),
      entry(eq('e-other-day', day(11)), 9n),
      entry(eq('e-null', day(null)), 9n),
      entry(pos('p-same', day(10)), 9n),
    ]);
    assert.deepEqual(index.forDataFile(a, 1n, 1), [4]);
    assert.deepEqual(index.forDataFile(file('n.parquet', { partition: day(null) }), 1n, 1), [3]);
    // A partition value as bigint and as number is the same tuple.
    assert.equal(partitionKey(1, { x: 3 }), partitionKey(1, { x: 3n }));
    assert.notEqual(partitionKey(1, { x: 3 }), partitionKey(2, { x: 3 }));
    assert.notEqual(partitionKey(1, { x: null }), partitionKey(1, { x: 'n' }));
  });

  it('applies equality deletes of an unpartitioned spec to every partition (global), position deletes not', () => {
    const index = new DeleteIndex([entry(eq('e-global', {}), 9n, 0), entry(pos('p-unpart', {}), 9n, 0)]);
    assert.deepEqual(index.forDataFile(a, 1n, 1), [0]);
    assert.deepEqual(index.forDataFile(a, 9n, 1), []);
    // Data of the unpartitioned spec itself gets both.
    assert.deepEqual(index.forDataFile(file('u.parquet'), 1n, 0), [0, 1]);
  });

  it('treats a spec of void fields as unpartitioned when specs are given', () => {
    const specs = new Map<number, PartitionSpecJson>([
      [3, { 'spec-id': 3, fields: [{ 'source-id': 1, 'field-id': 1000, name: 'ts_day', transform: 'void' }] }],
    ]);
    const deletes = [entry(eq('e-void', day(null)), 9n, 3)];
    assert.deepEqual(new DeleteIndex(deletes, { specs }).forDataFile(a, 1n, 1), [0]);
    assert.deepEqual(new DeleteIndex(deletes).forDataFile(a, 1n, 1), []);
  });

  it('applies a position delete that references a data file to that file only', () => {
    const index = new DeleteIndex([
      entry(pos('p-a', day(10), { referencedDataFile: 'a.parquet' }), 5n),
      entry(pos('p-b', day(10), { referencedDataFile: 'b.parquet' }), 5n),
    ]);
    assert.deepEqual(index.forDataFile(a, 5n, 1), [0]);
    assert.deepEqual(index.forDataFile(a, 6n, 1), []);
    assert.deepEqual(index.forDataFile(file('c.parquet', { partition: day(10) }), 1n, 1), []);
  });

  it('reads a v2 file-scoped position delete from equal file_path bounds', () => {
    const bounds = (p: string) => new Map([[DELETE_FILE_PATH_FIELD_ID, new Uint8Array(Buffer.from(p))]]);
    const scoped = pos('p', day(10), { lowerBounds: bounds('a.parquet'), upperBounds: bounds('a.parquet') });
    const ranged = pos('q', day(10), { lowerBounds: bounds('a.parquet'), upperBounds: bounds('z.parquet') });
    assert.equal(referencedDataFile(scoped), 'a.parquet');
    assert.equal(referencedDataFile(ranged), null);
    assert.equal(referencedDataFile(eq('e', {})), null);
    const index = new DeleteIndex([entry(scoped, 5n), entry(ranged, 5n)]);
    assert.deepEqual(index.forDataFile(file('b.parquet', { partition: day(10) }), 1n, 1), [1]);
    assert.deepEqual(index.forDataFile(a, 1n, 1), [0, 1]);
  });

  it("skips a partition's position delete file whose file_path bounds leave out the data file's path", () => {
    const bounds = (p: string) => new Map([[DELETE_FILE_PATH_FIELD_ID, new Uint8Array(Buffer.from(p))]]);
    const inPart = (p: string) => file(p, { partition: day(10) });
    const index = new DeleteIndex([
      entry(pos('b-to-d', day(10), { lowerBounds: bounds('s3://w/t/b'), upperBounds: bounds('s3://w/t/d') }), 5n),
      entry(pos('unbounded', day(10)), 5n),
      entry(pos('from-c', day(10), { lowerBounds: bounds('s3://w/t/c') }), 5n),
      // A truncated upper bound: the prefix of the longest path ('s3://w/t/b…') with its last character raised.
      entry(pos('to-trunc', day(10), { upperBounds: bounds('s3://w/t/c') }), 5n),
    ]);
    assert.deepEqual(index.forDataFile(inPart('s3://w/t/a.parquet'), 1n, 1), [1, 3]);
    assert.deepEqual(index.forDataFile(inPart('s3://w/t/b.parquet'), 1n, 1), [0, 1, 3]);
    assert.deepEqual(index.forDataFile(inPart('s3://w/t/c.parquet'), 1n, 1), [0, 1, 2]);
    assert.deepEqual(index.forDataFile(inPart('s3://w/t/d'), 1n, 1), [0, 1, 2]);
    assert.deepEqual(index.forDataFile(inPart('s3://w/t/d.parquet'), 1n, 1), [1, 2]);
  });

  it('applies a deletion vector to its data file only, instead of the position delete files', () => {
    const deletes = [
      entry(pos('p-part', day(10)), 5n),
      entry(dv('dv-a', 'a.parquet'), 5n),
      entry(eq('e', day(10)), 6n),
      entry(dv('dv-b', 'b.parquet'), 5n),
    ];
    assert.equal(isDeletionVector(deletes[1].file), true);
    assert.equal(isDeletionVector(deletes[0].file), false);
    const index = new DeleteIndex(deletes);
    assert.deepEqual(index.forDataFile(a, 5n, 1), [1, 2]);
    assert.deepEqual(index.forDataFile(file('b.parquet', { partition: day(10) }), 5n, 1), [2, 3]);
    assert.deepEqual(index.forDataFile(file('c.parquet', { partition: day(10) }), 5n, 1), [0, 2]);
    // An older DV does not apply; the position delete files do again.
    assert.deepEqual(
      new DeleteIndex([entry(dv('dv-old', 'a.parquet'), 3n), entry(pos('p', day(10)), 9n)]).forDataFile(a, 5n, 1),
      [1],
    );
  });

  it('refuses two deletion vectors for one data file, and a data file among the deletes', () => {
    assert.throws(
      () => new DeleteIndex([entry(dv('x', 'a.parquet'), 1n), entry(dv('y', 'a.parquet'), 2n)]),
      /two deletion vectors/,
    );
    assert.throws(() => new DeleteIndex([entry(file('d.parquet'), 1n)]), /is a data file/);
  });

  it('answers in input order however the sequence numbers sort', () => {
    const index = new DeleteIndex([
      entry(pos('p9', day(10)), 9n),
      entry(eq('e2', day(10)), 2n),
      entry(pos('p3', day(10)), 3n),
      entry(eq('e8', day(10)), 8n),
    ]);
    assert.deepEqual(index.forDataFile(a, 1n, 1), [0, 1, 2, 3]);
  });
});
