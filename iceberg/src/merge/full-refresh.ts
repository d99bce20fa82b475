import type { Snapshot } from '../model/parts.ts';
import type { TableMetadata } from '../model/table-metadata.ts';
import { reason, type MergeConflictReason } from './conflict-kinds.ts';
import { lineageParents } from './lineage.ts';

/**
 * Snapshot summary property (`"true"`) of a model's write that replaced its whole table on a full refresh (`rat run
 * --full-refresh`) instead of appending or upserting: its rows were recomputed from all of its inputs, typically
 * because the model's SQL changed in a way an incremental run cannot apply (a new column under
 * `on_schema_change: fail`, a changed expression on rows already written).
 */
export const FULL_REFRESH_PROPERTY = 'rat.full-refresh';

/**
 * Whether `md`'s `main` lineage holds a full refresh (see {@link FULL_REFRESH_PROPERTY}) that `other` does not: one
 * among the snapshots `md` gained beyond the history both share. A merge that rebuilds the table on `other`'s version
 * must then refresh it too, or `other`'s rows would keep the logic the refresh replaced. The walk follows parent ids
 * from the current snapshot, skipping snapshots on `other`'s lineage (a merge replays snapshots with their ids, so
 * after an update from `other` its snapshots sit above `md`'s own); it ends at the root, where `other`'s known
 * lineage ends (older history is shared), or at a snapshot `md` expired (what is below cannot be read).
 *
 * @example refreshedBeyond(featureOrders, mainOrders) // → true after `rat run --full-refresh silver.orders` on feature
 */
export function refreshedBeyond(md: TableMetadata, other: TableMetadata): boolean {
  const theirs = lineageParents(other);
  const byId = new Map(md.snapshots.map((s) => [s['snapshot-id'], s]));
  const seen = new Set<bigint>();
  let id = md['current-snapshot-id'];
  while (id !== null && !seen.has(id)) {
    seen.add(id);
    const s = byId.get(id);
    if (!s) return false;
    if (theirs.has(id)) {
      if (theirs.get(id) === undefined) return false;
    } else if (s.summary[FULL_REFRESH_PROPERTY] === 'true') {
      return true;
    }
    id = s['parent-snapshot-id'] ?? null;
  }
  return false;
}

const isRefresh = (s: Snapshot) => s.summary[FULL_REFRESH_PROPERTY] === 'true';
/** Every snapshot but a compaction (`replace`, same rows in other files) adds, removes or rewrites rows. */
const changesRows = (s: Snapshot) => s.summary.operation !== 'replace';

/**
 * Why one table's changes since the merge base cannot be replayed when a side refreshed it in full (see
 * {@link FULL_REFRESH_PROPERTY}) and the other changed its rows. A refresh is no row-level change of particular rows:
 * its rows were computed from its own side's inputs with its side's SQL. Replayed onto the target's new rows, they
 * would sit beside rows computed by the SQL it replaced (or lack the target's); the target's refresh, under the
 * source's appends, would keep those appends as the old SQL computed them. The engine's merge with rebuild settles
 * it: the model runs again with the merged code (in full when the source refreshed it). Empty when it replays.
 *
 * @example fullRefreshConflicts(sourceSnapshots, targetSnapshots) // → [{ kind: 'full-refresh-over-changes', … }]
 */
export function fullRefreshConflicts(source: Snapshot[], target: Snapshot[]): MergeConflictReason[] {
  const own = source.find(isRefresh);
  const changed = target.filter(changesRows).length;
  if (own && changed > 0) {
    const what = `the source refreshed the table in full (snapshot ${own['snapshot-id']}) while the target changed its rows since the merge base (${changed} snapshot${changed === 1 ? '' : 's'})`;
    return [reason('full-refresh-over-changes', `${what}: the refresh's rows were computed without them`)];
  }
  const theirs = target.find(isRefresh);
  const moved = source.filter(changesRows).length;
  if (theirs && moved > 0) {
    const what = `the target refreshed the table in full (snapshot ${theirs['snapshot-id']}) while the source changed its rows since the merge base (${moved} snapshot${moved === 1 ? '' : 's'})`;
    return [reason('full-refresh-over-changes', `${what}: replayed, they would keep the SQL the refresh replaced`)];
  }
  return [];
}
