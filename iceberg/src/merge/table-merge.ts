import type { Snapshot } from '../model/parts.ts';
import type { TableMetadata } from '../model/table-metadata.ts';
import { reason, type MergeConflictReason } from './conflict-kinds.ts';
import { fullRefreshConflicts } from './full-refresh.ts';
import { historyBeyond, historyProblem, lineageIds } from './lineage.ts';
import { UNIQUE_KEY_PROPERTY } from './replay-validation.ts';
import { lineageFilesOf, type LineageLists, type LineageReference } from './lineage-files.ts';
import { LINEAGE_LIST_PROPERTIES, sharedIngests } from './shared-ingests.ts';
import { mergeTableFields } from './table-fields.ts';

/** What merging one table's source changes into its target needs, before any manifest is read. */
export interface TableMergePlan {
  /** Reasons the table cannot merge, each with its kind; the rest of the plan is meaningless when this is not empty. */
  conflicts: MergeConflictReason[];
  /** The target's metadata with the source's one-sided field changes (schema, spec, properties, ...) carried over. */
  metadata: TableMetadata;
  /** The source's new `main` snapshots since the merge base, oldest first, to replay onto the target. */
  snapshots: Snapshot[];
  /** Field changes taken from the source, for the report. */
  carried: string[];
}

/**
 * Plans the merge of a table changed on both sides since the merge base, the way an Iceberg writer retries a commit
 * on top of a concurrent one: same table (uuid), the source's history must extend the base's (see `historyBeyond`), the non-history fields
 * merge three-way (see `mergeTableFields`), and the source's new snapshots are to be replayed on the target's current
 * snapshot.
 *
 * Lineage lists kept in side files are read from `lists`, loaded beforehand for the references
 * {@link lineageToJudge} names (a list absent there is unknown lineage).
 *
 * @example planTableMerge(base, source, target).snapshots.map((s) => s['snapshot-id']) // → [the source's new ids]
 */
export function planTableMerge(
  base: TableMetadata,
  source: TableMetadata,
  target: TableMetadata,
  lists?: LineageLists,
): TableMergePlan {
  const fields = mergeTableFields(base, source, target);
  const plan: TableMergePlan = { conflicts: [], metadata: fields.metadata, snapshots: [], carried: fields.carried };
  if (source['table-uuid'] !== target['table-uuid'] || base['table-uuid'] !== target['table-uuid']) {
    plan.conflicts.push(reason('different-tables', 'the two sides are different tables (table-uuid differs)'));
    return plan;
  }
  plan.conflicts.push(...fields.conflicts.map((m) => reason('metadata-changed-on-both-sides', m)));
  if (source['format-version'] !== target['format-version']) {
    plan.conflicts.push(reason('format-version-upgraded', 'the format version was upgraded on one side'));
  }
  const since = historyBeyond(source, base);
  const problem = historyProblem('source', since, base['current-snapshot-id']);
  if (problem) plan.conflicts.push(reason('history-rewritten', problem));
  else if (since.kind === 'found') {
    // A snapshot the target's lineage already has (replays keep ids; same id and same change) is one it holds,
    // merged or transplanted before along another path: replaying it again would add its rows and files twice.
    const held = lineageIds(target);
    const onTarget = new Map(target.snapshots.map((s) => [s['snapshot-id'], s]));
    plan.snapshots = since.snapshots.filter((s) => {
      const t = onTarget.get(s['snapshot-id']);
      return !(held.has(s['snapshot-id']) && t && sameChange(s, t));
    });
    // Both sides ingested the same landing file (path and content), or appended what a model derived from it: the
    // target holds those rows already. An upsert that declares its key is left to the replay's key check instead
    // (its rows also depend on the rows it replaced, so the merge with rebuild runs it again).
    const targetSince = historyBeyond(target, base);
    if (targetSince.kind === 'found') {
      const judged = plan.snapshots.filter((s) => s.summary[UNIQUE_KEY_PROPERTY] === undefined);
      const shared = sharedIngests(judged, targetSince.snapshots, lists);
      plan.conflicts.push(...shared.conflicts);
      plan.snapshots = plan.snapshots.filter((s) => !shared.skip.has(s['snapshot-id']));
      plan.conflicts.push(...fullRefreshConflicts(plan.snapshots, targetSince.snapshots));
    }
  }
  return plan;
}

/**
 * The side files of lineage lists that {@link planTableMerge} may judge: those referenced by the snapshots either side
 * gained since the merge base, each confined to its own side's table folder. The caller loads them (see
 * `loadLineageLists`) and hands them to the plan, which stays pure.
 *
 * @example await loadLineageLists(lineageToJudge(base, source, target), read)
 */
export function lineageToJudge(base: TableMetadata, source: TableMetadata, target: TableMetadata): LineageReference[] {
  const out: LineageReference[] = [];
  for (const md of [source, target]) {
    const since = historyBeyond(md, base);
    if (since.kind !== 'found') continue;
    for (const s of since.snapshots) out.push(...lineageFilesOf(s, md.location, LINEAGE_LIST_PROPERTIES));
  }
  return out;
}

/** Summary keys a replay copies unchanged (totals are recomputed): equal on two snapshots of one id, one change. */
const CHANGE_KEYS = ['operation', 'added-data-files', 'added-records', 'deleted-data-files', 'deleted-records'];

function sameChange(a: Snapshot, b: Snapshot): boolean {
  return CHANGE_KEYS.every((k) => a.summary[k] === b.summary[k]);
}

/**
 * The ids replayed snapshots get: the source's own where the target does not use it yet, else a fresh one from
 * `fresh` (a random positive 63-bit id in the service).
 *
 * @example replayIds(snapshots, target, () => 42n) // → [snapshot ids, with clashes replaced by 42n]
 */
export function replayIds(snapshots: Snapshot[], target: TableMetadata, fresh: () => bigint): bigint[] {
  const used = new Set(target.snapshots.map((s) => s['snapshot-id']));
  return snapshots.map((s) => {
    let id = s['snapshot-id'];
    while (used.has(id)) id = fresh();
    used.add(id);
    return id;
  });
}
