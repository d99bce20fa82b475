import assert from 'node:assert/strict';
import { schemaChanges, snapshotsAdded, snapshotsLost, totals } from './table-changes.ts';
import type { TableMetadataView } from './table-metadata.ts';

const md = (snapshots: Array<[string, number, Record<string, string>]>, fields: any[]): TableMetadataView =>
  ({
    'format-version': 2,
    'table-uuid': 'u',
    location: 'file:///t',
    'current-schema-id': 0,
    schemas: [{ 'schema-id': 0, fields }],
    'default-spec-id': 0,
    'partition-specs': [],
    'default-sort-order-id': 0,
    'sort-orders': [],
    snapshots: snapshots.map(([id, seq, summary]) => ({
      'snapshot-id': id,
      'sequence-number': seq,
      'timestamp-ms': seq,
      summary: { operation: 'append', ...summary },
    })),
  }) as TableMetadataView;

describe('table changes from snapshot summaries', () => {
  const f = (id: number, name: string, type = 'long', required = false) => ({ id, name, type, required });
  // 64-bit ids that differ only beyond 2^53: compared as exact strings.
  const before = md([['9007199254740993', 1, { 'added-records': '3', 'added-data-files': '1' }]], [f(1, 'id')]);
  const after = md(
    [
      ['9007199254740993', 1, { 'added-records': '3', 'added-data-files': '1' }],
      ['9007199254740995', 3, { operation: 'delete', 'deleted-records': '1', 'added-delete-files': '1' }],
      ['9007199254740994', 2, { 'added-records': '2', 'added-data-files': '2', 'added-files-size': '100' }],
    ],
    [f(1, 'key', 'long', true), f(2, 'name', 'string')],
  );

  it('lists the snapshots a commit added, oldest first, and sums their summaries', () => {
    const added = snapshotsAdded(before, after);
    assert.deepEqual(
      added.map((s) => s['snapshot-id']),
      ['9007199254740994', '9007199254740995'],
    );
    assert.deepEqual(totals(added), {
      snapshots: 2,
      addedRecords: 2,
      deletedRecords: 1,
      addedDataFiles: 2,
      deletedDataFiles: 0,
      addedDeleteFiles: 1,
      addedBytes: 100,
      removedBytes: 0,
    });
    assert.equal(snapshotsAdded(undefined, after).length, 3);
  });

  it('tells a table that went back to an earlier snapshot from one whose old snapshots were expired', () => {
    const at = (m: TableMetadataView, current: string) => ({ ...m, 'current-snapshot-id': current });
    const reverted = snapshotsLost(at(after, '9007199254740995'), at(before, '9007199254740993'));
    assert.equal(reverted?.kind, 'rolled-back');
    assert.deepEqual(
      reverted?.snapshots.map((s) => s['snapshot-id']),
      ['9007199254740994', '9007199254740995'],
    );
    const expired = md([['9007199254740995', 3, { operation: 'delete' }]], [f(1, 'key')]);
    const lost = snapshotsLost(at(after, '9007199254740995'), at(expired, '9007199254740995'));
    assert.equal(lost?.kind, 'expired');
    assert.equal(lost?.snapshots.length, 2);
    assert.equal(snapshotsLost(after, after), undefined);
    assert.equal(snapshotsLost(undefined, after), undefined);
  });

  it('diffs schemas by field id', () => {
    assert.deepEqual(
      schemaChanges(before, after).map((c) => [c.kind, c.path]),
      [
        ['renamed', 'key'],
        ['required', 'key'],
        ['added', 'name'],
      ],
    );
    assert.deepEqual(schemaChanges(undefined, after), [], 'a new table has no schema changes to list');
  });
});
