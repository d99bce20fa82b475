import { ManifestContent, type ManifestFile } from '../avro/manifest-list.ts';

/** The row ids a replayed format v3 snapshot takes: its `first-row-id` and `added-rows`. */
export interface RowLineage {
  firstRowId: number;
  addedRows: number;
}

/**
 * Assigns row ids to the data manifests of a new v3 manifest list that have none (`first_row_id` null), in list
 * order from `nextRowId` on, each taking as many ids as it has added and existing rows (the spec's first row id
 * assignment). Manifests that already carry ids (the target's) keep them. Returns the list and the snapshot's
 * row lineage; the table's `next-row-id` becomes `firstRowId + addedRows`.
 *
 * @example assignFirstRowIds([newManifest, ...targetManifests], 100) // → { list: [{ …, firstRowId: 100 }, …], lineage: { firstRowId: 100, addedRows: 3 } }
 */
export function assignFirstRowIds(
  list: ManifestFile[],
  nextRowId: number,
): { list: ManifestFile[]; lineage: RowLineage } {
  let next = nextRowId;
  const out = list.map((m) => {
    if (m.content !== ManifestContent.DATA || (m.firstRowId !== null && m.firstRowId !== undefined)) return m;
    const first = next;
    next += Number(m.addedRowsCount) + Number(m.existingRowsCount);
    return { ...m, firstRowId: first };
  });
  return { list: out, lineage: { firstRowId: nextRowId, addedRows: next - nextRowId } };
}
