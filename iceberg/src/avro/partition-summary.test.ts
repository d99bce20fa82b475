import assert from 'node:assert/strict';
import { EntryStatus, type ManifestEntry, type PartitionFieldType } from './manifest.ts';
import { entry } from '../merge/test-tables.ts';
import { partitionSummaries } from './partition-summary.ts';
import { toSingleValue } from './single-value.ts';

const entryIn = (partition: ManifestEntry['dataFile']['partition'], status: EntryStatus = EntryStatus.ADDED) =>
  entry('f.parquet', status, {}, { partition });

const TYPE: PartitionFieldType[] = [
  { fieldId: 1000, name: 'day', type: 'date' },
  { fieldId: 1001, name: 'who', type: 'string' },
  { fieldId: 1002, name: 'score', type: 'double' },
  { fieldId: 1003, name: 'n', type: 'long' },
];

describe('partition summaries', () => {
  it('summarizes every entry, deleted ones included: nulls, NaNs, lowest and highest value per field', () => {
    const entries = [
      entryIn({ day: 19800, who: 'b', score: 1.5, n: 10n }),
      entryIn({ day: 19790, who: null, score: Number.NaN, n: -3n }, EntryStatus.EXISTING),
      entryIn({ day: 19810, who: 'a', score: -2, n: null }, EntryStatus.DELETED),
    ];
    assert.deepEqual(partitionSummaries(TYPE, entries), [
      {
        containsNull: false,
        containsNan: false,
        lowerBound: toSingleValue('date', 19790),
        upperBound: toSingleValue('date', 19810),
      },
      {
        containsNull: true,
        containsNan: false,
        lowerBound: toSingleValue('string', 'a'),
        upperBound: toSingleValue('string', 'b'),
      },
      {
        containsNull: false,
        containsNan: true,
        lowerBound: toSingleValue('double', -2),
        upperBound: toSingleValue('double', 1.5),
      },
      {
        containsNull: true,
        containsNan: false,
        lowerBound: toSingleValue('long', -3n),
        upperBound: toSingleValue('long', 10n),
      },
    ]);
  });

  it('has no bounds for a field whose values are all null, and no fields when unpartitioned', () => {
    const [day] = partitionSummaries(TYPE.slice(0, 1), [entryIn({ day: null })]);
    assert.deepEqual(day, { containsNull: true, containsNan: false, lowerBound: null, upperBound: null });
    assert.deepEqual(partitionSummaries([], [entryIn({})]), []);
  });
});
