import assert from 'node:assert/strict';
import { EntryStatus, FileContent, type ManifestEntry } from '../avro/manifest.ts';
import { ManifestContent, type ManifestFile } from '../avro/manifest-list.ts';
import { planAppendReplay, replayedManifestList, type SnapshotManifest } from './append-replay.ts';
import { replayedSummary, withReplayedSnapshots } from './replayed-metadata.ts';
import { LOCATION, table, withSnapshot } from './test-tables.ts';

function manifest(path: string, addedBy: bigint, content: ManifestContent = ManifestContent.DATA): ManifestFile {
  return {
    manifestPath: `${LOCATION}/metadata/${path}`,
    manifestLength: 100,
    partitionSpecId: 0,
    content,
    sequenceNumber: 1,
    minSequenceNumber: 1,
    addedSnapshotId: addedBy,
    addedFilesCount: 1,
    existingFilesCount: 0,
    deletedFilesCount: 0,
    addedRowsCount: 10,
    existingRowsCount: 0,
    deletedRowsCount: 0,
  };
}

function entry(file: string, status: EntryStatus, extra: Partial<ManifestEntry> = {}): ManifestEntry {
  return {
    status,
    snapshotId: null,
    sequenceNumber: null,
    fileSequenceNumber: null,
    dataFile: {
      content: FileContent.DATA,
      filePath: `${LOCATION}/data/${file}`,
      fileFormat: 'PARQUET',
      partition: { day: 19800 },
      recordCount: 10,
      fileSizeInBytes: 1000,
    },
    ...extra,
  };
}

describe('append replay', () => {
  const base = withSnapshot(table(), 1n);
  const source = withSnapshot(base, 2n);
  const s2 = source.snapshots[1];
  const older = { file: manifest('m1.avro', 1n) };

  it('lists a fast append manifest again as it is', () => {
    const own: SnapshotManifest = { file: manifest('m2.avro', 2n), entries: [entry('b.parquet', EntryStatus.ADDED)] };
    const plan = planAppendReplay(s2, [own, older], 2n);
    assert.equal(plan.kind, 'append');
    if (plan.kind !== 'append') return;
    assert.deepEqual(plan.reuse, [own.file]);
    assert.equal(plan.rewrite.size, 0);
    assert.deepEqual([plan.addedFiles, plan.addedRows], [1, 10]);
  });

  it('writes again only the added entries of a merge append, with inherited numbers', () => {
    const merged: SnapshotManifest = {
      file: manifest('m2.avro', 2n),
      entries: [
        entry('b.parquet', EntryStatus.ADDED, { snapshotId: 2n, sequenceNumber: 2, fileSequenceNumber: 2 }),
        entry('a.parquet', EntryStatus.EXISTING, { snapshotId: 1n, sequenceNumber: 1, fileSequenceNumber: 1 }),
      ],
    };
    const plan = planAppendReplay(s2, [merged], 2n);
    assert.equal(plan.kind, 'append');
    if (plan.kind !== 'append') return;
    assert.deepEqual(plan.reuse, []);
    const rewritten = plan.rewrite.get(0)!;
    assert.deepEqual(
      rewritten.map((e) => [e.dataFile.filePath.split('/').pop(), e.sequenceNumber, e.snapshotId]),
      [['b.parquet', null, null]],
    );
  });

  it('rewrites a fast append manifest whose entries name the old id when the replay needs a new one', () => {
    const own = { file: manifest('m2.avro', 2n), entries: [entry('b.parquet', EntryStatus.ADDED, { snapshotId: 2n })] };
    const plan = planAppendReplay(s2, [own], 77n);
    assert.ok(plan.kind === 'append' && plan.reuse.length === 0 && plan.rewrite.get(0)?.length === 1);
  });

  it('refuses overwrites, deletes and appends that remove or add delete files', () => {
    const overwrite = { ...s2, summary: { operation: 'overwrite' } };
    assert.equal(planAppendReplay(overwrite, [], 2n).kind, 'refused');
    const removing = {
      file: manifest('m2.avro', 2n),
      entries: [entry('b.parquet', EntryStatus.ADDED), entry('a.parquet', EntryStatus.DELETED)],
    };
    assert.equal(planAppendReplay(s2, [removing], 2n).kind, 'refused');
    const deletes = { file: manifest('d2.avro', 2n, ManifestContent.DELETES), entries: [] };
    assert.equal(planAppendReplay(s2, [deletes], 2n).kind, 'refused');
  });

  it('puts the replayed manifests first with the new sequence number and snapshot id', () => {
    const list = replayedManifestList([manifest('m2.avro', 2n)], [older.file], 5, 9n);
    assert.deepEqual(
      list.map((m) => [m.manifestPath.split('/').pop(), m.sequenceNumber, m.minSequenceNumber, m.addedSnapshotId]),
      [
        ['m2.avro', 5, 5, 9n],
        ['m1.avro', 1, 1, 1n],
      ],
    );
  });

  it('adds replayed snapshots on top of the target with new sequence numbers, parents, log and main', () => {
    const target = withSnapshot(base, 3n, { 'total-records': '20', 'total-data-files': '2' });
    const md = withReplayedSnapshots(
      target,
      [{ source: { ...s2, summary: { ...s2.summary, 'total-records': '20' } }, snapshotId: 2n, manifestList: 'x' }],
      5000,
    );
    const replayed = md.snapshots.find((s) => s['snapshot-id'] === 2n && s['manifest-list'] === 'x')!;
    assert.equal(replayed['parent-snapshot-id'], 3n);
    assert.equal(replayed['sequence-number'], 3);
    assert.equal(replayed.summary['total-records'], '30');
    assert.equal(replayed.summary['total-data-files'], '3');
    assert.equal(md['current-snapshot-id'], 2n);
    assert.equal(md.refs.main['snapshot-id'], 2n);
    assert.equal(md['last-sequence-number'], 3);
    assert.deepEqual(md['snapshot-log'].at(-1), { 'snapshot-id': 2n, 'timestamp-ms': 5000 });
  });

  it('drops totals it cannot compute and leaves v1 snapshots without sequence numbers', () => {
    assert.deepEqual(replayedSummary({ operation: 'append', 'total-records': '5' }, { operation: 'append' }), {
      operation: 'append',
    });
    const v1 = { ...withSnapshot(base, 3n), 'format-version': 1 as const, 'last-sequence-number': 0 };
    const md = withReplayedSnapshots(v1, [{ source: s2, snapshotId: 2n, manifestList: 'x' }], 5000);
    assert.equal(md.snapshots.at(-1)!['sequence-number'], undefined);
    assert.equal(md['last-sequence-number'], 0);
  });
});
