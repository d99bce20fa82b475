import assert from 'node:assert/strict';
import { EntryStatus } from '../avro/manifest.ts';
import { ManifestContent } from '../avro/manifest-list.ts';
import {
  liveFiles,
  planSnapshotReplay,
  withUnrecordedRemovals,
  replayedManifestList,
  type SnapshotManifest,
  type SnapshotReplay,
  type SnapshotReplayPlan,
} from './snapshot-replay.ts';
import { danglingRefs, replayedSummary, withReplayedSnapshots } from './replayed-metadata.ts';
import { entry, manifest, table, withSnapshot } from './test-tables.ts';

describe('snapshot replay', () => {
  const base = withSnapshot(table(), 1n);
  const source = withSnapshot(base, 2n);
  const s2 = source.snapshots[1];
  const older = { file: manifest('m1.avro', 1n) };

  const replay = (plan: SnapshotReplayPlan): SnapshotReplay => {
    assert.equal(plan.kind, 'replay');
    return plan as SnapshotReplay;
  };
  const name = (path: string) => path.slice(path.lastIndexOf('/') + 1);

  it('lists a fast append manifest again as it is', () => {
    const own: SnapshotManifest = { file: manifest('m2.avro', 2n), entries: [entry('b.parquet', EntryStatus.ADDED)] };
    const plan = replay(planSnapshotReplay(s2, [own, older], 2n));
    assert.deepEqual(plan.reuse, [own.file]);
    assert.equal(plan.rewrite.length, 0);
    assert.deepEqual([plan.addedFiles, plan.addedRows, plan.removedFiles], [1, 10, 0]);
  });

  it('writes again only the added entries of a merge append, with inherited numbers', () => {
    const merged: SnapshotManifest = {
      file: manifest('m2.avro', 2n),
      entries: [
        entry('b.parquet', EntryStatus.ADDED, { snapshotId: 2n, sequenceNumber: 2, fileSequenceNumber: 2 }),
        entry('a.parquet', EntryStatus.EXISTING, { snapshotId: 1n, sequenceNumber: 1, fileSequenceNumber: 1 }),
      ],
    };
    const plan = replay(planSnapshotReplay(s2, [merged], 2n));
    assert.deepEqual(plan.reuse, []);
    assert.deepEqual(
      plan.rewrite[0].entries.map((e) => [name(e.dataFile.filePath), e.sequenceNumber, e.snapshotId]),
      [['b.parquet', null, null]],
    );
  });

  it('rewrites a fast append manifest whose entries name the old id when the replay needs a new one', () => {
    const own = { file: manifest('m2.avro', 2n), entries: [entry('b.parquet', EntryStatus.ADDED, { snapshotId: 2n })] };
    const plan = replay(planSnapshotReplay(s2, [own], 77n));
    assert.ok(plan.reuse.length === 0 && plan.rewrite[0].entries.length === 1);
  });

  it('collects what an overwrite removed and refuses an append that removes files', () => {
    const overwrite = { ...s2, summary: { operation: 'overwrite' } };
    const own = {
      file: manifest('m2.avro', 2n),
      entries: [entry('b.parquet', EntryStatus.ADDED), entry('a.parquet', EntryStatus.DELETED, { snapshotId: 2n })],
    };
    const plan = replay(planSnapshotReplay(overwrite, [own], 2n));
    assert.deepEqual([...plan.removed.keys()].map(name), ['a.parquet']);
    assert.deepEqual(
      plan.added.map((c) => name(c.entry.dataFile.filePath)),
      ['b.parquet'],
    );
    assert.equal(plan.rewrite.length, 1, 'a manifest that also records removals is written again');
    assert.equal(planSnapshotReplay(s2, [own], 2n).kind, 'refused');
    const deletes = { file: manifest('d2.avro', 2n, ManifestContent.DELETES), entries: [] };
    assert.equal(planSnapshotReplay(s2, [deletes], 2n).kind, 'refused');
    assert.equal(planSnapshotReplay({ ...s2, summary: { operation: 'truncate' } }, [], 2n).kind, 'refused');
  });

  it('finds files an overwrite dropped without recording DELETED entries', () => {
    const overwrite = { ...s2, summary: { operation: 'overwrite' } };
    const parent = [
      {
        file: manifest('m1.avro', 1n),
        entries: [entry('a.parquet', EntryStatus.ADDED), entry('b.parquet', EntryStatus.ADDED)],
      },
    ];
    const own = [
      { file: manifest('m2.avro', 2n), entries: [entry('c.parquet', EntryStatus.ADDED)] },
      { file: manifest('m3.avro', 2n), entries: [entry('b.parquet', EntryStatus.EXISTING)] },
    ];
    const plan = replay(planSnapshotReplay(overwrite, own, 2n));
    assert.equal(plan.removed.size, 0);
    const live = liveFiles(own);
    assert.deepEqual([...live.keys()].map(name), ['c.parquet', 'b.parquet']);
    const full = withUnrecordedRemovals(plan, liveFiles(parent), new Set(live.keys()));
    assert.deepEqual([...full.removed.keys()].map(name), ['a.parquet']);
    assert.equal(full.removedFiles, 1);
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

  it('moves a table ref the source put on a replayed snapshot to its new id; reports refs left dangling', () => {
    const target = withSnapshot(base, 3n);
    const withTags = {
      ...target,
      refs: {
        ...target.refs,
        audit: { type: 'tag' as const, 'snapshot-id': 2n },
        lost: { type: 'tag' as const, 'snapshot-id': 99n },
      },
    };
    const md = withReplayedSnapshots(withTags, [{ source: s2, snapshotId: 7n, manifestList: 'x' }], 5000);
    assert.equal(md.refs.audit['snapshot-id'], 7n);
    assert.deepEqual(danglingRefs(md), ['lost']);
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
