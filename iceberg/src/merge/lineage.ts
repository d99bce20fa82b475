import type { Snapshot } from '../model/parts.ts';
import type { TableMetadata } from '../model/table-metadata.ts';

/**
 * The snapshots a table's `main` branch gained since `since` (a snapshot id, or `null` for "since the table had no
 * snapshot"), oldest first, following parent ids back from the current snapshot. `undefined` when `since` is not an
 * ancestor of the current snapshot (the history was rolled back or replaced): such a change cannot be replayed.
 *
 * @example snapshotsSince(sourceMetadata, baseMetadata['current-snapshot-id']) // → [s2, s3]
 */
export function snapshotsSince(md: TableMetadata, since: bigint | null): Snapshot[] | undefined {
  const byId = new Map(md.snapshots.map((s) => [s['snapshot-id'], s]));
  const out: Snapshot[] = [];
  let id = md['current-snapshot-id'];
  const seen = new Set<bigint>();
  while (id !== null && id !== since) {
    if (seen.has(id)) return undefined; // a cycle is corrupt metadata; refuse rather than loop
    seen.add(id);
    const s = byId.get(id);
    if (!s) return undefined; // an expired ancestor: the base is out of reach
    out.push(s);
    id = s['parent-snapshot-id'] ?? null;
  }
  if (id !== since) return undefined;
  return out.reverse();
}

/**
 * What replacing a table's metadata `target` by `source` (a forced merge) drops from its `main` history: the snapshots
 * on target's `main` lineage that source does not have, and the rows they added.
 *
 * @example lostByReplacing(mainMetadata, featureMetadata) // → { snapshots: 2, rows: 1200 }
 */
export function lostByReplacing(target: TableMetadata, source: TableMetadata): { snapshots: number; rows: number } {
  const kept = new Set(source.snapshots.map((s) => s['snapshot-id']));
  const lost = (snapshotsSince(target, null) ?? []).filter((s) => !kept.has(s['snapshot-id']));
  return { snapshots: lost.length, rows: lost.reduce((n, s) => n + Number(s.summary['added-records'] ?? 0), 0) };
}
