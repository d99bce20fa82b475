import assert from 'node:assert/strict';
import { EntryStatus, FileContent, type ManifestEntry } from '../avro/manifest.ts';
import { ManifestContent } from '../avro/manifest-list.ts';
import { toSingleValue } from '../avro/single-value.ts';
import { fieldTypes } from './file-bounds.ts';
import { filterManifest } from './manifest-filter.ts';
import {
  duplicateKeyConflicts,
  isolationLevel,
  replayConflicts,
  uniqueKeyFields,
  type TargetChanges,
} from './replay-validation.ts';
import { planSnapshotReplay, type FileChange, type SnapshotReplay } from './snapshot-replay.ts';
import { entry, manifest, table, withColumn, withSnapshot } from './test-tables.ts';

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
    assert.match(why[0].message, /added data files in day=1 .*new\.parquet/);
    assert.equal(why[0].kind, 'row-level-change-over-new-data');
    assert.deepEqual(replayConflicts(deleteDay1, live, target, 'snapshot'), []);
  });

  it('refuses removing a file the target no longer has, and both sides deleting from one partition', () => {
    const gone = new Set(['file:///wh/db/t/data/old2.parquet']);
    const [missing] = replayConflicts(deleteDay1, gone, none, 'serializable');
    assert.match(missing.message, /old1\.parquet, which the target no/);
    assert.equal(missing.kind, 'removed-file-missing');
    const target = { added: [], removed: changes(entry('old3.parquet', EntryStatus.DELETED, {}, DAY1)) };
    assert.match(replayConflicts(deleteDay1, live, target, 'snapshot')[0].message, /removed files in day=1/);
  });

  it('refuses any row-level change when the target added delete files to its partitions', () => {
    const target = {
      added: changes(entry('d.parquet', EntryStatus.ADDED, {}, { ...DAY1, ...EQ_DELETE })),
      removed: [],
    };
    assert.match(replayConflicts(deleteDay1, live, target, 'snapshot')[0].message, /added delete files/);
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
    assert.match(replayConflicts(compaction, lost, none, 'serializable')[0].message, /old2\.parquet/);
  });

  it('checks merge-on-read equality deletes against the data the target added to the partition', () => {
    const mor = source('overwrite', [], [], [entry('eq.parquet', EntryStatus.ADDED, {}, { ...DAY1, ...EQ_DELETE })]);
    const day1 = { added: changes(entry('new.parquet', EntryStatus.ADDED, {}, DAY1)), removed: [] };
    const day2 = { added: changes(entry('new.parquet', EntryStatus.ADDED, {}, DAY2)), removed: [] };
    assert.equal(replayConflicts(mor, live, day1, 'serializable').length, 1);
    assert.deepEqual(replayConflicts(mor, live, day2, 'serializable'), []);
  });

  describe('judged by column bounds within one partition', () => {
    /** Bounds of `id` (field 1, the identifier field) and `who` (field 3). */
    const ids = (lo: bigint, hi: bigint, who = 'main') => ({
      lowerBounds: new Map([
        [1, toSingleValue('long', lo)],
        [3, toSingleValue('string', who)],
      ]),
      upperBounds: new Map([
        [1, toSingleValue('long', hi)],
        [3, toSingleValue('string', who)],
      ]),
      nullValueCounts: new Map([
        [1, 0],
        [3, 0],
      ]),
    });
    const md = withColumn(table(), 'who');
    const context = (...files: ManifestEntry[]) => ({
      types: fieldTypes(md),
      identifiers: new Set([1]),
      files: new Map(changes(...files).map((c) => [c.entry.dataFile.filePath, c])),
    });
    // A copy-on-write DELETE of id = 5: old1 (ids 1..10) is rewritten as rest (ids 1..4, 6..10).
    const old1 = entry('old1.parquet', EntryStatus.DELETED, {}, ids(1n, 10n));
    const cow = source('overwrite', [entry('rest.parquet', EntryStatus.ADDED, {}, ids(1n, 10n))], [old1]);
    const appended = (lo: bigint, hi: bigint, who = 'main') => ({
      added: changes(entry('new.parquet', EntryStatus.ADDED, {}, ids(lo, hi, who))),
      removed: [],
    });

    describe('an upsert that declares its unique key (rat.unique-key)', () => {
      const upsert = (day: typeof DAY1, lo: bigint, hi: bigint) =>
        source('append', [entry('up.parquet', EntryStatus.ADDED, {}, { ...day, ...ids(lo, hi) })], []);
      const added = (day: typeof DAY1, lo: bigint, hi: bigint) => ({
        added: changes(entry('other.parquet', EntryStatus.ADDED, {}, { ...day, ...ids(lo, hi) })),
        removed: [],
      });
      const types = fieldTypes(md);

      it('finds the key by column name in the schema the snapshot was written with', () => {
        const snap = (key: string) => ({ summary: { operation: 'append', 'rat.unique-key': key }, 'schema-id': 1 });
        assert.deepEqual([...uniqueKeyFields(md, snap('["ID", "who"]'))], [1, 3]);
        assert.deepEqual([...uniqueKeyFields(md, snap('["missing"]'))], []);
        assert.deepEqual([...uniqueKeyFields(md, snap('not json'))], []);
        assert.deepEqual([...uniqueKeyFields(md, { summary: { operation: 'append' }, 'schema-id': 1 })], []);
      });

      it('refuses an append of keys the target also added, even in another partition, under any isolation', () => {
        const why = duplicateKeyConflicts(upsert(DAY1, 4001n, 4002n), new Set([1]), added(DAY1, 4001n, 4002n), types);
        assert.equal(why[0].kind, 'unique-key-collision');
        assert.match(
          why[0].message,
          /the target added rows that may share its unique key with rows it wrote: other\.parquet/,
        );
        assert.equal(duplicateKeyConflicts(upsert(DAY1, 5n, 5n), new Set([1]), added(DAY2, 1n, 9n), types).length, 1);
      });

      it('replays it over other keys; a snapshot without a declared key is a plain append', () => {
        assert.deepEqual(
          duplicateKeyConflicts(upsert(DAY1, 3001n, 3001n), new Set([1]), added(DAY1, 2001n, 2002n), types),
          [],
        );
        assert.deepEqual(duplicateKeyConflicts(upsert(DAY1, 1n, 2n), new Set(), added(DAY1, 1n, 2n), types), []);
      });

      it('counts a file without bounds for the key as holding any key', () => {
        const bare = { added: changes(entry('bare.parquet', EntryStatus.ADDED, {}, DAY1)), removed: [] };
        assert.equal(duplicateKeyConflicts(upsert(DAY1, 1n, 2n), new Set([1]), bare, types).length, 1);
      });
    });

    it('replays a row-level delete over an append of other rows (by identifier) to the same partition', () => {
      assert.deepEqual(replayConflicts(cow, live, appended(100n, 200n), 'serializable', context()), []);
    });

    it('still refuses it when the appended identifiers fall in the rewritten range, whatever other columns hold', () => {
      const why = replayConflicts(cow, live, appended(7n, 7n, 'zed'), 'serializable', context());
      assert.match(why[0].message, /added data files in day=19800 .*new\.parquet/);
      const bare = { added: changes(entry('new.parquet', EntryStatus.ADDED)), removed: [] };
      assert.equal(replayConflicts(cow, live, bare, 'serializable', context()).length, 1, 'no stats');
    });

    it('judges by partition when the table has no identifier fields, files went whole, or partitions were replaced', () => {
      const noIds = { ...context(), identifiers: new Set<number>() };
      assert.equal(replayConflicts(cow, live, appended(100n, 200n), 'serializable', noIds).length, 1);
      const dropped = source('delete', [], [old1]);
      assert.equal(replayConflicts(dropped, live, appended(100n, 200n), 'serializable', context()).length, 1);
      const replaced = { ...cow, replacePartitions: true };
      assert.equal(replayConflicts(replaced, live, appended(100n, 200n), 'serializable', context()).length, 1);
      assert.equal(replayConflicts(cow, live, appended(100n, 200n), 'serializable').length, 1, 'no context');
    });

    it('resolves merge-on-read position deletes to the data file they name on either side', () => {
      const data = entry('old1.parquet', EntryStatus.ADDED, {}, ids(1n, 10n));
      const path = data.dataFile.filePath;
      const pos = { content: FileContent.POSITION_DELETES, referencedDataFile: path };
      const mor = source('delete', [], [], [entry('pos.parquet', EntryStatus.ADDED, {}, pos)]);
      assert.deepEqual(replayConflicts(mor, live, appended(100n, 200n), 'serializable', context(data)), []);
      assert.equal(replayConflicts(mor, live, appended(3n, 30n), 'serializable', context(data)).length, 1);
      // The target deleted rows of the file the source rewrote: always a conflict.
      const targetPos = { added: changes(entry('tpos.parquet', EntryStatus.ADDED, {}, pos)), removed: [] };
      assert.match(replayConflicts(cow, live, targetPos, 'snapshot', context(data))[0].message, /added delete files/);
    });

    it('lets a compaction replay over equality deletes of rows outside its files', () => {
      const compaction = source('replace', [entry('c.parquet', EntryStatus.ADDED, {}, ids(1n, 10n))], [old1]);
      const eq = (id: bigint) => ({ ...ids(id, id), content: FileContent.EQUALITY_DELETES, equalityIds: [1] });
      const deletes = (id: bigint) => ({
        added: changes(entry('eq.parquet', EntryStatus.ADDED, {}, eq(id))),
        removed: [],
      });
      assert.deepEqual(replayConflicts(compaction, live, deletes(50n), 'serializable', context()), []);
      assert.equal(replayConflicts(compaction, live, deletes(5n), 'serializable', context()).length, 1);
    });
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
    const dayType = [{ fieldId: 1000, name: 'day', type: 'date' }];
    const r = filterManifest(m, entries, new Set(['file:///wh/db/t/data/old1.parquet']), 9n, dayType);
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
    const day = toSingleValue('date', 19800);
    assert.deepEqual(r.file.partitions, [
      { containsNull: false, containsNan: false, lowerBound: day, upperBound: day },
    ]);
  });
});
