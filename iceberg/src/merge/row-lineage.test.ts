import assert from 'node:assert/strict';
import { ManifestContent } from '../avro/manifest-list.ts';
import { EntryStatus } from '../avro/manifest.ts';
import { filterManifest } from './manifest-filter.ts';
import { assignFirstRowIds } from './row-lineage.ts';
import { planSnapshotReplay, replayedManifestList, type SnapshotReplay } from './snapshot-replay.ts';
import { withReplayedSnapshots } from './replayed-metadata.ts';
import { entry, manifest, table, withSnapshot } from './test-tables.ts';

describe('row lineage of replayed format v3 snapshots', () => {
  const rows = (m: ReturnType<typeof manifest>, added: number, existing = 0) => ({
    ...m,
    addedRowsCount: added,
    existingRowsCount: existing,
  });

  it('gives the new data manifests row ids from the target next-row-id on; the target keeps its own', () => {
    const replayed = replayedManifestList(
      [{ ...rows(manifest('new.avro', 5n), 3), firstRowId: 40 }, rows(manifest('new2.avro', 5n), 2, 1)],
      [
        { ...rows(manifest('old.avro', 1n), 10), firstRowId: 0 },
        rows(manifest('d.avro', 1n, ManifestContent.DELETES), 4),
      ],
      7,
      5n,
    );
    assert.equal(replayed[0].firstRowId, null, "the source's numbering is dropped");
    const { list, lineage } = assignFirstRowIds(replayed, 100);
    assert.deepEqual(
      list.map((m) => m.firstRowId ?? null),
      [100, 103, 0, null],
    );
    assert.deepEqual(lineage, { firstRowId: 100, addedRows: 6 });
  });

  it('records first-row-id and added-rows on the replayed snapshots and advances next-row-id', () => {
    const base = { ...withSnapshot(table(), 1n), 'format-version': 3 as const, 'next-row-id': 100 };
    const source = withSnapshot(base, 2n, { 'first-row-id': '999' });
    const s = { ...source.snapshots[1], 'first-row-id': 999, 'added-rows': 5 };
    const md = withReplayedSnapshots(
      base,
      [
        { source: s, snapshotId: 2n, manifestList: 'l1', rowLineage: { firstRowId: 100, addedRows: 5 } },
        {
          source: { ...s, 'snapshot-id': 3n },
          snapshotId: 3n,
          manifestList: 'l2',
          rowLineage: { firstRowId: 105, addedRows: 2 },
        },
      ],
      5000,
    );
    assert.deepEqual(
      md.snapshots.slice(1).map((x) => [x['first-row-id'], x['added-rows']]),
      [
        [100, 5],
        [105, 2],
      ],
    );
    assert.equal(md['next-row-id'], 107);
    const v2 = withReplayedSnapshots(withSnapshot(table(), 1n), [{ source: s, snapshotId: 2n, manifestList: 'l' }], 1);
    assert.equal(v2.snapshots[1]['first-row-id'], undefined, 'no row ids outside v3');
  });

  it("writes out the row ids a rewritten target manifest's live files inherited", () => {
    const m = { ...manifest('t.avro', 1n), firstRowId: 50 };
    const entries = [
      entry('a.parquet', EntryStatus.ADDED, {}, { recordCount: 10 }),
      entry('gone.parquet', EntryStatus.DELETED, {}, { recordCount: 99 }),
      entry('b.parquet', EntryStatus.EXISTING, {}, { recordCount: 5, firstRowId: 7 }),
      entry('c.parquet', EntryStatus.ADDED, {}, { recordCount: 3 }),
    ];
    const r = filterManifest(m, entries, new Set([entries[3].dataFile.filePath]), 9n, []);
    assert.deepEqual(
      r.entries.map((e) => e.dataFile.firstRowId),
      [50, 7, 60],
    );
    assert.equal(r.file.firstRowId, undefined, 'the new list entry gets its own ids');
  });

  it('lists a v3 fast append again only when its files inherit their row ids; else writes them fresh', () => {
    const snap = withSnapshot(withSnapshot(table(), 1n), 2n).snapshots[1];
    const plan = (firstRowId: number | null) =>
      planSnapshotReplay(
        snap,
        [{ file: manifest('a.avro', 2n), entries: [entry('a.parquet', EntryStatus.ADDED, {}, { firstRowId })] }],
        2n,
      ) as SnapshotReplay;
    assert.equal(plan(null).reuse.length, 1);
    const fresh = plan(40);
    assert.deepEqual([fresh.reuse.length, fresh.rewrite.length], [0, 1]);
    assert.equal(fresh.rewrite[0].entries[0].dataFile.firstRowId, null);
  });
});
