import assert from 'node:assert/strict';
import avro from 'avsc';
import { avroType, decodeOcf, encodeOcf, longFromVarint, longToVarint, AvroFormatError } from './ocf.ts';
import { fromSingleValue, toSingleValue } from './single-value.ts';
import { decodeManifest, encodeManifest, decimalBytes, type ManifestEntry } from './manifest.ts';
import { decodeManifestList, encodeManifestList } from './manifest-list.ts';
import { manifest } from '../merge/test-tables.ts';

describe('avro: single-value binary encoding', () => {
  it('encodes ints, longs and dates little-endian', () => {
    assert.deepEqual([...toSingleValue('int', 7)], [7, 0, 0, 0]);
    assert.deepEqual([...toSingleValue('date', -1)], [255, 255, 255, 255]);
    assert.deepEqual([...toSingleValue('long', 1n)], [1, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(fromSingleValue('timestamp', toSingleValue('timestamp', 1700000000000000n)), 1700000000000000n);
  });
  it('encodes decimals as minimal big-endian two-complement', () => {
    assert.deepEqual([...toSingleValue('decimal(10,2)', 1350n)], [0x05, 0x46]);
    assert.deepEqual([...toSingleValue('decimal(10,2)', -1n)], [0xff]);
    assert.deepEqual([...toSingleValue('decimal(10,2)', 128n)], [0x00, 0x80]);
    assert.equal(fromSingleValue('decimal(10,2)', toSingleValue('decimal(10,2)', -129n)), -129n);
  });
  it('round-trips strings, booleans, doubles and uuids', () => {
    assert.equal(fromSingleValue('string', toSingleValue('string', 'héllo')), 'héllo');
    assert.equal(fromSingleValue('boolean', toSingleValue('boolean', true)), true);
    assert.equal(fromSingleValue('double', toSingleValue('double', 1.5)), 1.5);
    const u = '123e4567-e89b-12d3-a456-426614174000';
    assert.equal(toSingleValue('uuid', u).length, 16);
    assert.equal(fromSingleValue('uuid', toSingleValue('uuid', u)), u);
  });
  it('rejects unknown types with a code', () => {
    assert.throws(() => toSingleValue('struct', 1), { code: 'UNSUPPORTED_TYPE' });
  });
});

describe('avro: longs', () => {
  const edges: (number | bigint)[] = [0, 1, -1, 63, -64, 64, -65, 2 ** 31, -(2 ** 31) - 1, 2 ** 48 - 1, -(2 ** 48)];
  edges.push(
    2 ** 48,
    2 ** 52 - 1,
    -(2 ** 52) + 1,
    2 ** 52,
    -(2 ** 52),
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
  );
  edges.push(2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n), 3051729675574597004n);
  it('writes the zigzag varints Avro specifies and reads them back exactly (number when safe, bigint otherwise)', () => {
    const plain = avro.Type.forSchema('long');
    for (const v of edges) {
      const bytes = longToVarint(v);
      if (plain.isValid(v)) assert.deepEqual([...bytes], [...plain.toBuffer(v)], `${v}`);
      const back = longFromVarint(bytes);
      assert.equal(BigInt(back), BigInt(v), `${v}`);
      assert.equal(
        typeof back,
        Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === BigInt(v) ? 'number' : 'bigint',
      );
    }
  });
  it('reads random 64-bit values written as bigints or numbers', () => {
    let seed = 7n;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) & (2n ** 64n - 1n);
      const v = BigInt.asIntN(64, seed >> BigInt(i % 64));
      const back = longFromVarint(longToVarint(v));
      assert.equal(BigInt(back), v);
      if (Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v) {
        assert.equal(longFromVarint(longToVarint(Number(v))), Number(v));
      }
    }
  });
  it('reads a truncated long in a file as truncated', () => {
    const schema = { type: 'record', name: 'r', fields: [{ name: 'id', type: 'long' }] };
    const body = avroType(schema).toBuffer({ id: 2n ** 60n });
    assert.equal(avroType(schema).decode(body.subarray(0, body.length - 1), 0).offset, -1);
  });
});

describe('avro: object container files', () => {
  const schema = { type: 'record', name: 'r', fields: [{ name: 'id', type: 'long', 'field-id': 1 }] };
  for (const codec of ['null', 'deflate'] as const) {
    it(`round-trips records and metadata with codec ${codec}, keeping 64-bit longs exact`, () => {
      const big = 3051729675574597004n;
      const buf = encodeOcf(schema, [{ id: 1 }, { id: big }], { k: 'v' }, codec);
      const out = decodeOcf(buf);
      assert.deepEqual(
        out.records.map((r) => ({ ...(r as object) })),
        [{ id: 1 }, { id: big }],
      );
      assert.equal(out.metadata.k, 'v');
      assert.equal((out.schema as { fields: { 'field-id': number }[] }).fields[0]['field-id'], 1);
    });
  }
  it('rejects non-Avro input', () => {
    assert.throws(() => decodeOcf(Buffer.from('PAR1xxxx')), AvroFormatError);
  });
  it('builds one type per schema text, and still reads every schema after more schemas than it keeps', () => {
    assert.equal(avroType(schema), avroType(JSON.parse(JSON.stringify(schema))));
    const nth = (i: number) => ({ type: 'record', name: `r${i}`, fields: [{ name: `c${i}`, type: 'long' }] });
    const files = Array.from({ length: 300 }, (_, i) => encodeOcf(nth(i), [{ [`c${i}`]: i }]));
    files.forEach((buf, i) => assert.deepEqual({ ...(decodeOcf(buf).records[0] as object) }, { [`c${i}`]: i }));
    assert.notEqual(avroType(nth(0)), avroType(nth(1)));
  });
});

describe('avro: manifests and manifest lists', () => {
  const partitionType = [
    { fieldId: 1000, name: 'd_day', type: 'int' },
    { fieldId: 1001, name: 'region', type: 'string' },
    { fieldId: 1002, name: 'amt', type: 'decimal(10,2)' },
  ];
  const entry: ManifestEntry = {
    status: 1,
    snapshotId: 3051729675574597004n,
    sequenceNumber: null,
    fileSequenceNumber: null,
    dataFile: {
      content: 0,
      filePath: 'file:///w/t/data/a.parquet',
      fileFormat: 'PARQUET',
      partition: { d_day: 19700, region: null, amt: -250n },
      recordCount: 10,
      fileSizeInBytes: 1234,
      columnSizes: new Map([[1, 50]]),
      valueCounts: new Map([[1, 10]]),
      nullValueCounts: new Map([[1, 0]]),
      nanValueCounts: null,
      lowerBounds: new Map([[1, new Uint8Array(toSingleValue('int', 0))]]),
      upperBounds: new Map([[1, new Uint8Array(toSingleValue('int', 9))]]),
      equalityIds: null,
    },
  };
  it('round-trips a manifest with partition values and bounds', () => {
    const buf = encodeManifest([entry], {
      schema: { type: 'struct', 'schema-id': 0, fields: [] },
      partitionSpec: { 'spec-id': 0, fields: [] },
      partitionType,
      content: 'data',
    });
    const out = decodeManifest(buf);
    assert.equal(out.metadata['format-version'], '2');
    assert.equal(out.metadata.content, 'data');
    assert.deepEqual(
      out.partitionType.map((p) => p.type),
      ['int', 'string', 'decimal(10,2)'],
    );
    const e = out.entries[0];
    assert.equal(e.snapshotId, 3051729675574597004n);
    assert.equal(e.sequenceNumber, null);
    assert.deepEqual(e.dataFile.partition, { d_day: 19700, region: null, amt: -250n });
    assert.equal(fromSingleValue('int', e.dataFile.upperBounds!.get(1)!), 9);
    assert.equal(e.dataFile.recordCount, 10);
    assert.equal(e.dataFile.columnSizes!.get(1), 50);
  });
  it('computes decimal byte widths as the spec does', () => {
    assert.equal(decimalBytes(9), 4);
    assert.equal(decimalBytes(10), 5);
    assert.equal(decimalBytes(18), 8);
    assert.equal(decimalBytes(38), 16);
  });
  it('round-trips the v3 fields of a manifest (row ids, deletion vector offsets); v2 leaves them out', () => {
    const dv = { ...entry.dataFile, firstRowId: 70, contentOffset: 4, contentSizeInBytes: 42 };
    const meta = {
      schema: { type: 'struct', 'schema-id': 0, fields: [] },
      partitionSpec: { 'spec-id': 0, fields: [] },
      partitionType,
      content: 'data' as const,
    };
    const v3 = decodeManifest(encodeManifest([{ ...entry, dataFile: dv }], { ...meta, formatVersion: 3 }));
    assert.equal(v3.metadata['format-version'], '3');
    const d = v3.entries[0].dataFile;
    assert.deepEqual([d.firstRowId, d.contentOffset, d.contentSizeInBytes].map(Number), [70, 4, 42]);
    const v2 = decodeManifest(encodeManifest([{ ...entry, dataFile: dv }], meta)).entries[0].dataFile;
    assert.deepEqual([v2.firstRowId, v2.contentOffset], [null, null]);
  });
  it('round-trips a manifest list', () => {
    const buf = encodeManifestList(
      [
        {
          manifestPath: 'file:///m.avro',
          manifestLength: 100,
          partitionSpecId: 0,
          content: 0,
          sequenceNumber: 3,
          minSequenceNumber: 1,
          addedSnapshotId: 42,
          addedFilesCount: 1,
          existingFilesCount: 0,
          deletedFilesCount: 0,
          addedRowsCount: 10,
          existingRowsCount: 0,
          deletedRowsCount: 0,
          partitions: [{ containsNull: false, lowerBound: new Uint8Array([1, 0, 0, 0]), upperBound: null }],
        },
      ],
      { snapshotId: 42, parentSnapshotId: null, sequenceNumber: 3 },
    );
    const out = decodeManifestList(buf);
    assert.equal(out.metadata['snapshot-id'], '42');
    assert.equal(out.manifests[0].sequenceNumber, 3);
    assert.deepEqual([...out.manifests[0].partitions![0].lowerBound!], [1, 0, 0, 0]);
    assert.equal(out.manifests[0].firstRowId, null);
    assert.equal(out.metadata['format-version'], '2');
  });
  it('round-trips a v3 manifest list with first row ids', () => {
    const m = manifest('m.avro', 42n);
    const meta = { snapshotId: 42, parentSnapshotId: 7, sequenceNumber: 3, formatVersion: 3 as const, firstRowId: 5 };
    const out = decodeManifestList(encodeManifestList([{ ...m, firstRowId: 5 }, m], meta));
    assert.deepEqual(
      out.manifests.map((x) => Number(x.firstRowId ?? -1)),
      [5, -1],
    );
    assert.equal(out.metadata['format-version'], '3');
    assert.equal(out.metadata['first-row-id'], '5');
  });
});
