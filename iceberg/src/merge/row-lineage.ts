import { ManifestContent, type ManifestFile } from '../avro/manifest-list.ts';
import type { SnapshotReplay } from './snapshot-replay.ts';

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

/**
 * Why a snapshot of a format v3 table cannot be replayed: one that has manifests written again (a merge append's
 * mixed manifest, the target's manifests that lose files) would have to carry the row ids of the files in them,
 * which is not done; snapshots that only list new manifests (fast appends, new delete files) replay.
 *
 * @example v3Refusal(mergeAppendReplay) // → 'format v3 table: snapshot 7 (append) would rewrite manifests …'
 */
export function v3Refusal(plan: SnapshotReplay, snapshotId: bigint): string | undefined {
  if (plan.rewrite.length === 0 && plan.removed.size === 0) return undefined;
  return `format v3 table: snapshot ${snapshotId} (${plan.operation}) would rewrite manifests, and carrying row lineage (row ids) through rewritten manifests is not supported; only snapshots that add manifests (fast appends, new delete files) are replayed`;
}
