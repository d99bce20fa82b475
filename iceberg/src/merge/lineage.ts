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
 * The parent id of every snapshot on a table's `main` lineage, by id; a snapshot expired from the metadata is there
 * with `undefined` (its id is known from the next one's parent id), and the walk ends at it.
 */
export function lineageParents(md: TableMetadata): Map<bigint, bigint | null | undefined> {
  const byId = new Map(md.snapshots.map((s) => [s['snapshot-id'], s]));
  const parents = new Map<bigint, bigint | null | undefined>();
  let id = md['current-snapshot-id'];
  while (id !== null && !parents.has(id)) {
    const s = byId.get(id);
    parents.set(id, s ? (s['parent-snapshot-id'] ?? null) : undefined);
    if (!s) break;
    id = s['parent-snapshot-id'] ?? null;
  }
  return parents;
}

/**
 * The snapshots a table's `main` lineage gained over the merge base's, oldest first. Usually the ones above the
 * base's current snapshot. But a merge replays snapshots keeping their ids, so after merges the other way (the
 * target merged into this side, "update the feature branch from main", once or more) the base's own snapshots sit
 * on top of and between this side's: stopping at the first snapshot the base has would lose this side's work below
 * it. So the walk follows parent ids from the current snapshot down the whole lineage, skips every snapshot of the
 * base's lineage and keeps the others; it ends at the root, or where the base's known lineage ends (a snapshot the
 * base expired: older history is not the base's to compare). The base's current snapshot must be on the way (else
 * `diverged`: rolled back or replaced); a snapshot of this side's own that was expired is `expired`.
 *
 * @example historyBeyond(featureAfterUpdateFromMain, base) // → { kind: 'found', snapshots: [the feature's own] }
 */
export function historyBeyond(md: TableMetadata, base: TableMetadata): HistorySince {
  const baseParents = lineageParents(base);
  const byId = new Map(md.snapshots.map((s) => [s['snapshot-id'], s]));
  const out: Snapshot[] = [];
  const seen = new Set<bigint>();
  let id = md['current-snapshot-id'];
  while (id !== null) {
    if (seen.has(id)) return { kind: 'diverged' }; // a cycle is corrupt metadata; refuse rather than loop
    seen.add(id);
    const s = byId.get(id);
    const inBase = baseParents.has(id);
    if (!s) {
      if (inBase) break;
      return { kind: 'expired', snapshotId: id };
    }
    if (inBase && baseParents.get(id) === undefined) break;
    if (!inBase) out.push(s);
    id = s['parent-snapshot-id'] ?? null;
  }
  const head = base['current-snapshot-id'];
  if (head !== null && !seen.has(head)) return { kind: 'diverged' };
  return { kind: 'found', snapshots: out.reverse() };
}

/**
 * The ids of the snapshots on a table's `main` lineage (an expired one's id included).
 *
 * @example lineageIds(mainMetadata).has(snapshotId) // → true when main already has that change
 */
export function lineageIds(md: TableMetadata): Set<bigint> {
  return new Set(lineageParents(md).keys());
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
