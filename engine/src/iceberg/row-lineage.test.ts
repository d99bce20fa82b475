import assert from 'node:assert/strict';
import { assignFirstRowIds, type ManifestFile } from '@ratatouille/iceberg';
import { keepsRowLineage } from './row-lineage.ts';

const manifest = (content: number, added: number, existing: number, firstRowId?: number) =>
  ({ content, addedRowsCount: added, existingRowsCount: existing, firstRowId: firstRowId ?? null }) as ManifestFile;

describe('engine: row lineage of format version 3 tables', () => {
  it('gives the data manifests without ids the next ones, in list order, and the snapshot its range', () => {
    // The engine's commits assign them with the library's assignFirstRowIds, as merges do.
    const out = assignFirstRowIds(
      [manifest(0, 5, 0), manifest(1, 2, 0), manifest(0, 0, 7), manifest(0, 3, 0, 40)],
      100,
    );
    assert.deepEqual(
      out.list.map((m) => m.firstRowId),
      [100, null, 105, 40],
    );
    assert.deepEqual([out.lineage.firstRowId, out.lineage.addedRows], [100, 12]);
    assert.deepEqual(assignFirstRowIds([], 7), { list: [], lineage: { firstRowId: 7, addedRows: 0 } });
  });

  it('lets through the writes that move no row: appends and whole overwrites', () => {
    assert.equal(keepsRowLineage('append', false), true);
    assert.equal(keepsRowLineage('overwrite', false), true);
    assert.equal(keepsRowLineage('append', true), false);
    assert.equal(keepsRowLineage('overwrite-partitions', false), false);
    assert.equal(keepsRowLineage('replace', true), false);
  });
});
