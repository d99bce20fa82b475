import type { Snapshot } from '../model/parts.ts';
import type { TableMetadata } from '../model/table-metadata.ts';

/**
 * A branch's history since a snapshot: the snapshots it gained, oldest first; or the first of them that was expired
 * (so their changes cannot be read); or `diverged` when `since` is not an ancestor (rolled back or replaced).
 */
export type HistorySince =
  { kind: 'found'; snapshots: Snapshot[] } | { kind: 'expired'; snapshotId: bigint } | { kind: 'diverged' };

/**
 * The snapshots a table's `main` branch gained since `since` (a snapshot id, or `null` for "since the table had no
 * snapshot"), following parent ids back from the current snapshot. Only those snapshots must still be in the
 * metadata: `since` itself may have been expired (its id stays the parent id of the next one).
 *
 * @example historySince(sourceMetadata, baseMetadata['current-snapshot-id']) // → { kind: 'found', snapshots: [s2, s3] }
 */
export function historySince(md: TableMetadata, since: bigint | null): HistorySince {
  const byId = new Map(md.snapshots.map((s) => [s['snapshot-id'], s]));
  const out: Snapshot[] = [];
  let id = md['current-snapshot-id'];
  const seen = new Set<bigint>();
  while (id !== null && id !== since) {
    if (seen.has(id)) return { kind: 'diverged' }; // a cycle is corrupt metadata; refuse rather than loop
    seen.add(id);
    const s = byId.get(id);
    if (!s) return { kind: 'expired', snapshotId: id };
    out.push(s);
    id = s['parent-snapshot-id'] ?? null;
  }
  if (id !== since) return { kind: 'diverged' };
  return { kind: 'found', snapshots: out.reverse() };
}

/**
 * `historySince` when it is complete, else `undefined`.
 *
 * @example snapshotsSince(sourceMetadata, baseMetadata['current-snapshot-id']) // → [s2, s3]
 */
export function snapshotsSince(md: TableMetadata, since: bigint | null): Snapshot[] | undefined {
  const h = historySince(md, since);
  return h.kind === 'found' ? h.snapshots : undefined;
}

/**
 * Why a side's history since the merge base cannot be replayed, for a conflict message; `undefined` when it can.
 *
 * @example historyProblem('source', { kind: 'expired', snapshotId: 7n }, 3n) // → "the source's snapshot 7 …"
 */
export function historyProblem(side: string, h: HistorySince, base: bigint | null): string | undefined {
  if (h.kind === 'found') return undefined;
  if (h.kind === 'expired') {
    return `the ${side}'s snapshot ${h.snapshotId}, made since the merge base's snapshot ${base ?? '(none)'}, was expired: its changes can no longer be read`;
  }
  return `the ${side}'s history no longer contains the merge base's snapshot ${base ?? '(none)'} (rolled back or replaced)`;
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
