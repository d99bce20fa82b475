import assert from 'node:assert/strict';
import { FileContent, type DataFile } from '../avro/manifest.ts';
import { toSingleValue } from '../avro/single-value.ts';
import { parseJson } from '../json.ts';
import {
  DELETE_FILE_PATH_FIELD_ID,
  restContentFile,
  restFileScanTask,
  restPartition,
  restScanTasks,
  schemaFieldTypes,
  type PartitionSpecJson,
} from './rest-content-file.ts';
import { JsonDouble, decimalString, isoDate, restValue, stringifyScanJson } from './rest-values.ts';
import { partitionResultType } from './transform-values.ts';

const schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'ts', required: false, type: 'timestamptz' },
    { id: 3, name: 'name', required: false, type: 'string' },
    { id: 4, name: 'price', required: false, type: 'decimal(9,2)' },
    {
      id: 5,
      name: 'tags',
      required: false,
      type: { type: 'list', 'element-id': 6, element: 'string', 'element-required': false },
    },
    {
      id: 7,
      name: 'attrs',
      required: false,
      type: {
        type: 'map',
        'key-id': 8,
        key: 'string',
        'value-id': 9,
        value: { type: 'struct', fields: [{ id: 10, name: 'score', required: false, type: 'double' }] },
        'value-required': false,
      },
    },
  ],
};
const fieldTypes = schemaFieldTypes(schema);
const daySpec: PartitionSpecJson = {
  'spec-id': 1,
  fields: [{ 'source-id': 2, 'field-id': 1000, name: 'ts_day', transform: 'day' }],
};
const unpartitioned: PartitionSpecJson = { 'spec-id': 0, fields: [] };

function dataFile(over: Partial<DataFile> = {}): DataFile {
  return {
    content: FileContent.DATA,
    filePath: 's3://b/t/data/a.parquet',
    fileFormat: 'PARQUET',
    partition: {},
    recordCount: 10,
    fileSizeInBytes: 1234,
    ...over,
  };
}

describe('restValue (the JSON form Java SingleValueParser reads)', () => {
  it('writes boolean, int, long (exact beyond 2^53), string and uuid', () => {
    assert.equal(restValue('boolean', true), true);
    assert.equal(restValue('int', -7), -7);
    assert.equal(restValue('long', 9007199254740993n), 9007199254740993n);
    // Exact as a number, so written by the native JSON writer.
    assert.equal(restValue('long', 5), 5);
    assert.equal(restValue('long', 5n), 5);
    assert.equal(restValue('string', 'héllo'), 'héllo');
    assert.equal(restValue('uuid', 'EB26BDB1-A1D8-4AA6-990E-DA940875492C'), 'eb26bdb1-a1d8-4aa6-990e-da940875492c');
  });

  it('writes float and double as floating-point literals, integral ones with .0', () => {
    assert.deepEqual(restValue('double', 1.5), new JsonDouble(1.5));
    assert.equal(stringifyScanJson([restValue('double', 2), restValue('float', 0.5)]), '[2.0,0.5]');
    assert.equal(stringifyScanJson([restValue('double', -0), restValue('double', 1e21)]), '[-0.0,1e+21]');
    assert.equal(restValue('double', NaN), 'NaN');
    assert.equal(restValue('float', -Infinity), '-Infinity');
  });

  it('writes decimals as plain strings at the type scale', () => {
    assert.equal(restValue('decimal(9,2)', 12345n), '123.45');
    assert.equal(restValue('decimal(9,2)', -12345n), '-123.45');
    assert.equal(restValue('decimal(9,2)', -5n), '-0.05');
    assert.equal(restValue('decimal(9,2)', 0n), '0.00');
    assert.equal(restValue('decimal(10,0)', 12345n), '12345');
    assert.equal(restValue('decimal(38,10)', 123456789012345678901234567890n), '12345678901234567890.1234567890');
    assert.equal(decimalString(-7n, 0), '-7');
  });

  it('writes date, time and timestamps as ISO-8601 text', () => {
    assert.equal(restValue('date', 0), '1970-01-01');
    assert.equal(restValue('date', 19737), '2024-01-15');
    assert.equal(restValue('date', -1), '1969-12-31');
    assert.equal(restValue('date', 11016), '2000-02-29');
    assert.equal(isoDate(-719529), '-0001-12-31');
    assert.equal(isoDate(2932897), '+10000-01-01');
    assert.equal(restValue('time', 81068123456n), '22:31:08.123456');
    assert.equal(restValue('time', 0n), '00:00:00.000000');
    assert.equal(restValue('timestamp', 1196676930123456n), '2007-12-03T10:15:30.123456');
    assert.equal(restValue('timestamptz', 1196676930123456n), '2007-12-03T10:15:30.123456+00:00');
    assert.equal(restValue('timestamp', -1n), '1969-12-31T23:59:59.999999');
    assert.equal(restValue('timestamp_ns', 1196676930123456789n), '2007-12-03T10:15:30.123456789');
    assert.equal(restValue('timestamptz_ns', 1196676930123456789n), '2007-12-03T10:15:30.123456789+00:00');
  });

  it('writes fixed and binary as upper-case hex', () => {
    assert.equal(restValue('fixed[3]', new Uint8Array([0x78, 0x79, 0x7a])), '78797A');
    assert.equal(restValue('binary', new Uint8Array([0, 255])), '00FF');
  });

  it('passes null through and refuses types it has no form for', () => {
    assert.equal(restValue('date', null), null);
    assert.throws(() => restValue('geometry', new Uint8Array()), /no REST JSON form/);
  });
});

describe('partition values', () => {
  it('gives each transform the result type Java gives it (day is a date)', () => {
    assert.equal(partitionResultType('day', 'timestamptz'), 'date');
    assert.equal(partitionResultType('month', 'date'), 'int');
    assert.equal(partitionResultType('year', 'timestamp'), 'int');
    assert.equal(partitionResultType('hour', 'timestamp'), 'int');
    assert.equal(partitionResultType('bucket[16]', 'string'), 'int');
    assert.equal(partitionResultType('truncate[4]', 'string'), 'string');
    assert.equal(partitionResultType('identity', 'decimal(9,2)'), 'decimal(9,2)');
    assert.equal(partitionResultType('void', 'long'), 'long');
    assert.throws(() => partitionResultType('zorder', 'long'), /unsupported partition transform/);
  });

  it('orders values by the spec, with null values and nested source columns', () => {
    const spec: PartitionSpecJson = {
      'spec-id': 3,
      fields: [
        { 'source-id': 3, 'field-id': 1001, name: 'name_trunc', transform: 'truncate[2]' },
        { 'source-id': 1, 'field-id': 1000, name: 'id_bucket', transform: 'bucket[8]' },
        { 'source-id': 4, 'field-id': 1002, name: 'price', transform: 'identity' },
        { 'source-id': 10, 'field-id': 1003, name: 'score', transform: 'identity' },
      ],
    };
    const values = { id_bucket: 5, name_trunc: 'ab', price: null, score: 3 };
    assert.equal(stringifyScanJson(restPartition(values, spec, fieldTypes)), '["ab",5,null,3.0]');
  });

  it('refuses a tuple that lacks a field of the spec', () => {
    assert.throws(() => restPartition({}, daySpec, fieldTypes), /no field ts_day/);
  });
});

describe('restContentFile', () => {
  it('writes a data file of a day-partitioned spec', () => {
    const f = dataFile({
      partition: { ts_day: 19737 },
      keyMetadata: new Uint8Array([0xab, 0x01]),
      splitOffsets: [4, 9007199254740993n],
      sortOrderId: 0,
      firstRowId: 100,
    });
    assert.deepEqual(restContentFile(f, { spec: daySpec, fieldTypes }), {
      'spec-id': 1,
      content: 'data',
      'file-path': 's3://b/t/data/a.parquet',
      'file-format': 'parquet',
      partition: ['2024-01-15'],
      'file-size-in-bytes': 1234,
      'record-count': 10,
      'key-metadata': 'AB01',
      'split-offsets': [4, 9007199254740993n],
      'sort-order-id': 0,
      'first-row-id': 100,
    });
  });

  it('writes an unpartitioned file with an empty partition array, and a null partition value as null', () => {
    assert.deepEqual(restContentFile(dataFile(), { spec: unpartitioned, fieldTypes }).partition, []);
    assert.deepEqual(
      restContentFile(dataFile({ partition: { ts_day: null } }), { spec: daySpec, fieldTypes }).partition,
      [null],
    );
  });

  it('keeps no metrics by default, all of them on request, or the requested columns only', () => {
    const f = dataFile({
      columnSizes: new Map([
        [3, 40],
        [1, 80],
      ]),
      valueCounts: new Map([
        [1, 10],
        [3, 10],
      ]),
      nullValueCounts: new Map([
        [1, 0],
        [3, 2],
      ]),
      nanValueCounts: new Map(),
      lowerBounds: new Map([
        [1, toSingleValue('long', 1n)],
        [3, toSingleValue('string', 'a')],
      ]),
      upperBounds: new Map([
        [1, toSingleValue('long', 9007199254740993n)],
        [3, toSingleValue('string', 'zz')],
      ]),
    });
    const none = restContentFile(f, { spec: unpartitioned, fieldTypes });
    assert.equal(none['column-sizes'], undefined);
    assert.equal(none['lower-bounds'], undefined);

    const all = restContentFile(f, { spec: unpartitioned, fieldTypes, stats: 'all' });
    assert.deepEqual(all['column-sizes'], { keys: [1, 3], values: [80, 40] });
    assert.deepEqual(all['value-counts'], { keys: [1, 3], values: [10, 10] });
    assert.deepEqual(all['null-value-counts'], { keys: [1, 3], values: [0, 2] });
    assert.deepEqual(all['nan-value-counts'], { keys: [], values: [] });
    // Bounds are the manifest's single-value bytes as hex: Java reads them as map<int, binary>.
    assert.deepEqual(all['lower-bounds'], { keys: [1, 3], values: ['0100000000000000', '61'] });
    assert.deepEqual(all['upper-bounds'], { keys: [1, 3], values: ['0100000000002000', '7A7A'] });

    const some = restContentFile(f, { spec: unpartitioned, fieldTypes, stats: new Set([3]) });
    assert.deepEqual(some['column-sizes'], { keys: [3], values: [40] });
    assert.deepEqual(some['lower-bounds'], { keys: [3], values: ['61'] });
    assert.deepEqual(some['nan-value-counts'], { keys: [], values: [] });
  });

  it('writes position deletes, deletion vectors and equality deletes with their own fields', () => {
    const path = 's3://b/t/data/a.parquet';
    const pos = dataFile({
      content: FileContent.POSITION_DELETES,
      filePath: 's3://b/t/data/pos.parquet',
      partition: { ts_day: 19737 },
      referencedDataFile: path,
      lowerBounds: new Map([
        [DELETE_FILE_PATH_FIELD_ID, Buffer.from(path)],
        [1, toSingleValue('long', 1n)],
      ]),
      upperBounds: new Map([[DELETE_FILE_PATH_FIELD_ID, Buffer.from(path)]]),
    });
    const posJson = restContentFile(pos, { spec: daySpec, fieldTypes });
    assert.equal(posJson.content, 'position-deletes');
    assert.equal(posJson['referenced-data-file'], path);
    assert.deepEqual(posJson['lower-bounds'], {
      keys: [DELETE_FILE_PATH_FIELD_ID],
      values: [Buffer.from(path).toString('hex').toUpperCase()],
    });

    const dv = dataFile({
      content: FileContent.POSITION_DELETES,
      filePath: 's3://b/t/data/dv.puffin',
      fileFormat: 'PUFFIN',
      referencedDataFile: path,
      contentOffset: 4,
      contentSizeInBytes: 40,
    });
    const dvJson = restContentFile(dv, { spec: unpartitioned, fieldTypes });
    assert.equal(dvJson['file-format'], 'puffin');
    assert.equal(dvJson['content-offset'], 4);
    assert.equal(dvJson['content-size-in-bytes'], 40);

    const eq = dataFile({
      content: FileContent.EQUALITY_DELETES,
      filePath: 's3://b/t/data/eq.parquet',
      equalityIds: [1],
      lowerBounds: new Map([
        [1, toSingleValue('long', 3n)],
        [3, toSingleValue('string', 'x')],
      ]),
    });
    const eqJson = restContentFile(eq, { spec: unpartitioned, fieldTypes });
    assert.equal(eqJson.content, 'equality-deletes');
    assert.deepEqual(eqJson['equality-ids'], [1]);
    assert.deepEqual(eqJson['lower-bounds'], { keys: [1], values: ['0300000000000000'] });
  });

  it('does not write delete-only fields on a data file', () => {
    const json = restContentFile(dataFile({ referencedDataFile: 'x', contentOffset: 1 }), {
      spec: unpartitioned,
      fieldTypes,
    });
    assert.equal(json['referenced-data-file'], undefined);
    assert.equal(json['content-offset'], undefined);
  });
});

describe('scan tasks', () => {
  const data = restContentFile(dataFile(), { spec: unpartitioned, fieldTypes });
  const del = (name: string) =>
    restContentFile(dataFile({ content: FileContent.POSITION_DELETES, filePath: name }), {
      spec: unpartitioned,
      fieldTypes,
    });

  it('writes a task with its references and always a residual filter', () => {
    assert.deepEqual(restFileScanTask(data, [], true), { 'data-file': data, 'residual-filter': true });
    assert.deepEqual(restFileScanTask(data, [2, 0], true)['delete-file-references'], [2, 0]);
    assert.throws(() => restFileScanTask(data, [], undefined), /residual filter/);
    assert.throws(() => restFileScanTask(del('d'), [], true), /not position-deletes/);
  });

  it('keeps only the delete files a page uses and renumbers the references', () => {
    const deletes = [del('d0'), del('d1'), del('d2')];
    const out = restScanTasks(
      [
        { dataFile: data, deletes: [2], residualFilter: true },
        { dataFile: data, deletes: [], residualFilter: true },
        { dataFile: data, deletes: [2, 0], residualFilter: true },
      ],
      deletes,
    );
    assert.deepEqual(
      out['delete-files']?.map((d) => d['file-path']),
      ['d0', 'd2'],
    );
    assert.deepEqual(
      out['file-scan-tasks'].map((t) => t['delete-file-references']),
      [[1], undefined, [0, 1]],
    );
    assert.deepEqual(restScanTasks([], deletes), { 'file-scan-tasks': [] });
    assert.throws(() => restScanTasks([{ dataFile: data, deletes: [5], residualFilter: true }], deletes), /5/);
  });

  it('serializes longs exactly and doubles as floating-point literals', () => {
    const f = restContentFile(
      dataFile({ recordCount: 9007199254740993n, fileSizeInBytes: 2n ** 62n, partition: { score: 1 } }),
      {
        spec: { 'spec-id': 4, fields: [{ 'source-id': 10, 'field-id': 1000, name: 'score', transform: 'identity' }] },
        fieldTypes,
      },
    );
    const text = stringifyScanJson(restScanTasks([{ dataFile: f, deletes: [], residualFilter: true }], []));
    assert.match(text, /"record-count":9007199254740993\b/);
    assert.match(text, /"partition":\[1\.0\]/);
    const back = parseJson(text) as { 'file-scan-tasks': { 'data-file': Record<string, unknown> }[] };
    assert.equal(back['file-scan-tasks'][0]['data-file']['record-count'], 9007199254740993n);
    assert.equal(back['file-scan-tasks'][0]['data-file']['file-size-in-bytes'], 2n ** 62n);
  });

  it('leaves strings that look like its marker alone', () => {
    assert.equal(stringifyScanJson({ s: 'rat-double-x:1', d: new JsonDouble(3) }), '{"s":"rat-double-x:1","d":3.0}');
    const lookalike = '\u0000rat-double-000000000000000000000000:1';
    assert.equal(stringifyScanJson([lookalike, new JsonDouble(1)]), `[${JSON.stringify(lookalike)},1.0]`);
    // The same through the writer that answers with a bigint, and with the integer marker of that writer.
    const big = [lookalike, '\u0000rat-int:7', 2n ** 60n, new JsonDouble(0.5)];
    assert.deepEqual(parseJson(stringifyScanJson(big)), [lookalike, '\u0000rat-int:7', 2n ** 60n, 0.5]);
    assert.match(stringifyScanJson(big), /,0\.5\]$/);
  });

  it('writes the same text with and without a bigint in the answer, indented too', () => {
    const tasks = (n: number | bigint) => ({ a: [1, new JsonDouble(2), 'x'], n, d: { v: new JsonDouble(-0) } });
    const plain = stringifyScanJson(tasks(5), 2);
    const big = stringifyScanJson(tasks(5n), 2);
    assert.equal(plain, big);
    assert.match(plain, /"v": -0\.0/);
  });
});
