import assert from 'node:assert/strict';
import type { ManifestFile } from '@ratatouille/iceberg';
import { assignRowIds, keepsRowLineage } from './row-lineage.ts';

const manifest = (content: number, added: number, existing: number, firstRowId?: number) =>
  ({ content, addedRowsCount: added, existingRowsCount: existing, firstRowId: firstRowId ?? null }) as ManifestFile;

describe('engine: row lineage of format version 3 tables', () => {
  it('gives the data manifests without ids the next ones, in list order, and the snapshot its range', () => {
    const out = assignRowIds([manifest(0, 5, 0), manifest(1, 2, 0), manifest(0, 0, 7), manifest(0, 3, 0, 40)], 100);
    assert.deepEqual(
      out.manifests.map((m) => m.firstRowId),
      [100, null, 105, 40],
    );
    assert.deepEqual([out.firstRowId, out.addedRows], [100, 12]);
    assert.deepEqual(assignRowIds([], 7), { manifests: [], firstRowId: 7, addedRows: 0 });
  });

  it('lets through the writes that move no row: appends and whole overwrites', () => {
    assert.equal(keepsRowLineage('append', false), true);
    assert.equal(keepsRowLineage('overwrite', false), true);
    assert.equal(keepsRowLineage('append', true), false);
    assert.equal(keepsRowLineage('overwrite-partitions', false), false);
    assert.equal(keepsRowLineage('replace', true), false);
  });
});
