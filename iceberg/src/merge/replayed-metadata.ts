import type { Snapshot } from '../model/parts.ts';
import type { TableMetadata } from '../model/table-metadata.ts';
import { commitTimestamp } from '../updates/commit-time.ts';
import type { RowLineage } from './row-lineage.ts';

/** A source snapshot as it lands on the target: possibly a new id, always a new manifest list and parent. */
export interface ReplayedSnapshot {
  source: Snapshot;
  snapshotId: bigint;
  manifestList: string;
  /** Format v3: the row ids its manifest list assigned (`assignFirstRowIds`). */
  rowLineage?: RowLineage;
}

/** Summary totals and the added/removed counts that move them (Iceberg's snapshot summary keys). */
const TOTALS: Array<[total: string, added: string, removed: string]> = [
  ['total-records', 'added-records', 'deleted-records'],
  ['total-data-files', 'added-data-files', 'deleted-data-files'],
  ['total-delete-files', 'added-delete-files', 'removed-delete-files'],
  ['total-files-size', 'added-files-size', 'removed-files-size'],
  ['total-position-deletes', 'added-position-deletes', 'removed-position-deletes'],
  ['total-equality-deletes', 'added-equality-deletes', 'removed-equality-deletes'],
];

/**
 * The summary of a replayed snapshot: the source's operation and added/removed counts, with totals recomputed on top
 * of the new parent's totals (a total that cannot be computed is left out rather than wrong).
 *
 * @example replayedSummary({ operation: 'append', 'added-records': '2', 'total-records': '5' }, { 'total-records': '10' })
 * // → { operation: 'append', 'added-records': '2', 'total-records': '12' }
 */
export function replayedSummary(
  source: Record<string, string>,
  parent: Record<string, string> | undefined,
): Record<string, string> {
  const out = { ...source };
  for (const [total, added, removed] of TOTALS) {
    const before = parent === undefined ? 0 : parent[total] === undefined ? NaN : Number(parent[total]);
    const after = before + Number(source[added] ?? 0) - Number(source[removed] ?? 0);
    if (Number.isFinite(after) && after >= 0) out[total] = String(after);
    else delete out[total];
  }
  return out;
}

/**
 * The target's metadata after replaying snapshots onto its `main`: each becomes the child of the previous one (the
 * first of the target's current snapshot) with the next sequence number, `main` and the snapshot log advance, and
 * the source's summaries get recomputed totals.
 *
 * @example withReplayedSnapshots(merged, [{ source: s, snapshotId: s['snapshot-id'], manifestList }], Date.now())
 */
export function withReplayedSnapshots(md: TableMetadata, replayed: ReplayedSnapshot[], now: number): TableMetadata {
  // Never behind what the target records, as every commit's stamp (Java refuses a table whose clock went back).
  const at = commitTimestamp(md, now);
  const snapshots = [...md.snapshots];
  const log = [...md['snapshot-log']];
  let parent = md['current-snapshot-id'];
  let parentSummary = snapshots.find((s) => s['snapshot-id'] === parent)?.summary;
  let sequence = md['last-sequence-number'];
  let nextRowId = md['next-row-id'];
  const v1 = md['format-version'] === 1;
  for (const r of replayed) {
    if (!v1) sequence++;
    const summary = replayedSummary(r.source.summary, parent === null ? undefined : parentSummary);
    const snapshot: Snapshot = {
      ...r.source,
      'snapshot-id': r.snapshotId,
      'parent-snapshot-id': parent,
      'timestamp-ms': at,
      'manifest-list': r.manifestList,
      summary,
    };
    if (v1) delete snapshot['sequence-number'];
    else snapshot['sequence-number'] = sequence;
    // The source's row ids were of its own numbering; a v3 replay carries the ones its new manifest list assigned.
    delete snapshot['first-row-id'];
    delete snapshot['added-rows'];
    if (r.rowLineage) {
      snapshot['first-row-id'] = r.rowLineage.firstRowId;
      snapshot['added-rows'] = r.rowLineage.addedRows;
      nextRowId = Math.max(nextRowId ?? 0, r.rowLineage.firstRowId + r.rowLineage.addedRows);
    }
    if (snapshot['parent-snapshot-id'] === null) delete snapshot['parent-snapshot-id'];
    snapshots.push(snapshot);
    log.push({ 'snapshot-id': r.snapshotId, 'timestamp-ms': at });
    parent = r.snapshotId;
    parentSummary = summary;
  }
  if (replayed.length === 0) return { ...md, 'last-updated-ms': at };
  // A table ref the source moved onto one of its new snapshots follows that snapshot to its replayed id.
  const renamed = new Map(replayed.map((r) => [r.source['snapshot-id'], r.snapshotId]));
  const refs = Object.fromEntries(
    Object.entries(md.refs).map(([name, ref]) => [
      name,
      renamed.has(ref['snapshot-id']) ? { ...ref, 'snapshot-id': renamed.get(ref['snapshot-id'])! } : ref,
    ]),
  );
  return {
    ...md,
    snapshots,
    'snapshot-log': log,
    'current-snapshot-id': parent,
    refs: { ...refs, main: { ...(md.refs.main ?? {}), type: 'branch', 'snapshot-id': parent! } },
    'last-sequence-number': sequence,
    ...(nextRowId !== undefined ? { 'next-row-id': nextRowId } : {}),
    'last-updated-ms': at,
  };
}

/**
 * Refs of merged metadata that point at no snapshot of it (a table branch or tag the source moved onto a snapshot that
 * is not on its `main` history, which the merge does not carry over).
 *
 * @example danglingRefs(merged) // → ['audit']
 */
export function danglingRefs(md: TableMetadata): string[] {
  const ids = new Set(md.snapshots.map((s) => s['snapshot-id']));
  return Object.entries(md.refs)
    .filter(([, ref]) => !ids.has(ref['snapshot-id']))
    .map(([name]) => name)
    .sort();
}
