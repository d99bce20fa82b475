import assert from 'node:assert/strict';
import { EntryStatus, FileContent, type ManifestEntry } from '../avro/manifest.ts';
import { ManifestContent } from '../avro/manifest-list.ts';
import { filterManifest } from './manifest-filter.ts';
import { isolationLevel, replayConflicts, type TargetChanges } from './replay-validation.ts';
import { planSnapshotReplay, type FileChange, type SnapshotReplay } from './snapshot-replay.ts';
import { entry, manifest, table, withSnapshot } from './test-tables.ts';

const DAY1 = { partition: { day: 1 } };
const DAY2 = { partition: { day: 2 } };
const EQ_DELETE = { content: FileContent.EQUALITY_DELETES, equalityIds: [1] };

/** A source snapshot (id 2) with the given operation, adding and removing files. */
function source(operation: string, added: ManifestEntry[], removed: ManifestEntry[], deletes: ManifestEntry[] = []) {
  const s = withSnapshot(withSnapshot(table(), 1n), 2n, { operation }).snapshots[1];
  const data = { file: manifest('s.avro', 2n), entries: [...added, ...removed] };
  const del = { file: manifest('sd.avro', 2n, ManifestContent.DELETES), entries: deletes };
  const plan = planSnapshotReplay(s, deletes.length ? [data, del] : [data], 2n);
  assert.equal(plan.kind, 'replay');
  return plan as SnapshotReplay;
}

const changes = (...entries: ManifestEntry[]): FileChange[] =>
  entries.map((e) => ({ entry: e, manifest: manifest('t.avro', 3n) }));
const none: TargetChanges = { added: [], removed: [] };
const live = new Set(['file:///wh/db/t/data/old1.parquet', 'file:///wh/db/t/data/old2.parquet']);

describe('replay validation', () => {
  const deleteDay1 = source('delete', [], [entry('old1.parquet', EntryStatus.DELETED, {}, DAY1)]);

  it('replays a delete in one partition over an insert into another', () => {
    const target = { added: changes(entry('new.parquet', EntryStatus.ADDED, {}, DAY2)), removed: [] };
    assert.deepEqual(replayConflicts(deleteDay1, live, target, 'serializable'), []);
  });

  it('refuses a delete when the target added data to the same partition (serializable only)', () => {
    const target = { added: changes(entry('new.parquet', EntryStatus.ADDED, {}, DAY1)), removed: [] };
    const why = replayConflicts(deleteDay1, live, target, 'serializable');
    assert.equal(why.length, 1);
    assert.match(why[0], /added data files in day=1 .*new\.parquet/);
    assert.deepEqual(replayConflicts(deleteDay1, live, target, 'snapshot'), []);
  });

  it('refuses removing a file the target no longer has, and both sides deleting from one partition', () => {
    const gone = new Set(['file:///wh/db/t/data/old2.parquet']);
    assert.match(replayConflicts(deleteDay1, gone, none, 'serializable')[0], /old1\.parquet, which the target no/);
    const target = { added: [], removed: changes(entry('old3.parquet', EntryStatus.DELETED, {}, DAY1)) };
    assert.match(replayConflicts(deleteDay1, live, target, 'snapshot')[0], /removed files in day=1/);
  });

  it('refuses any row-level change when the target added delete files to its partitions', () => {
    const target = {
      added: changes(entry('d.parquet', EntryStatus.ADDED, {}, { ...DAY1, ...EQ_DELETE })),
      removed: [],
    };
    assert.match(replayConflicts(deleteDay1, live, target, 'snapshot')[0], /added delete files/);
  });

  it('lets a compaction replay over appends to the same partition, not over new deletes', () => {
    const compaction = source(
      'replace',
      [entry('compacted.parquet', EntryStatus.ADDED, {}, DAY1)],
      [entry('old1.parquet', EntryStatus.DELETED, {}, DAY1), entry('old2.parquet', EntryStatus.DELETED, {}, DAY1)],
    );
    const appended = { added: changes(entry('new.parquet', EntryStatus.ADDED, {}, DAY1)), removed: [] };
    assert.deepEqual(replayConflicts(compaction, live, appended, 'serializable'), []);
    const deleted = {
      added: changes(entry('d.parquet', EntryStatus.ADDED, {}, { ...DAY1, ...EQ_DELETE })),
      removed: [],
    };
    assert.equal(replayConflicts(compaction, live, deleted, 'serializable').length, 1);
    const lost = new Set(['file:///wh/db/t/data/old1.parquet']);
    assert.match(replayConflicts(compaction, lost, none, 'serializable')[0], /old2\.parquet/);
  });

  it('checks merge-on-read equality deletes against the data the target added to the partition', () => {
    const mor = source('overwrite', [], [], [entry('eq.parquet', EntryStatus.ADDED, {}, { ...DAY1, ...EQ_DELETE })]);
    const day1 = { added: changes(entry('new.parquet', EntryStatus.ADDED, {}, DAY1)), removed: [] };
    const day2 = { added: changes(entry('new.parquet', EntryStatus.ADDED, {}, DAY2)), removed: [] };
    assert.equal(replayConflicts(mor, live, day1, 'serializable').length, 1);
    assert.deepEqual(replayConflicts(mor, live, day2, 'serializable'), []);
  });

  it('uses snapshot isolation only when every row-level operation asks for it', () => {
    assert.equal(isolationLevel({}), 'serializable');
    assert.equal(isolationLevel({ 'write.delete.isolation-level': 'snapshot' }), 'serializable');
    const all = ['delete', 'update', 'merge'].map((op) => [`write.${op}.isolation-level`, 'snapshot']);
    assert.equal(isolationLevel(Object.fromEntries(all)), 'snapshot');
  });
});

describe('manifest filter', () => {
  it('marks removed files DELETED by the new snapshot, keeps the rest EXISTING with their inherited numbers', () => {
    const m = { ...manifest('t.avro', 3n), sequenceNumber: 4, minSequenceNumber: 4 };
    const entries = [
      entry('old1.parquet', EntryStatus.ADDED),
      entry('old2.parquet', EntryStatus.ADDED),
      entry('gone.parquet', EntryStatus.DELETED, { snapshotId: 3n, sequenceNumber: 1, fileSequenceNumber: 1 }),
    ];
    const r = filterManifest(m, entries, new Set(['file:///wh/db/t/data/old1.parquet']), 9n);
    assert.deepEqual(
      r.entries.map((e) => [e.dataFile.filePath.split('/').pop(), e.status, e.snapshotId, e.sequenceNumber]),
      [
        ['old1.parquet', EntryStatus.DELETED, 9n, 4],
        ['old2.parquet', EntryStatus.EXISTING, 3n, 4],
      ],
    );
    assert.deepEqual(
      [r.file.addedSnapshotId, r.file.existingFilesCount, r.file.deletedFilesCount, r.file.deletedRowsCount],
      [9n, 1, 1, 10],
    );
  });
});
