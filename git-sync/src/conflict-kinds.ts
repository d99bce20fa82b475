import type { MergeConflictKind } from '@ratatouille/iceberg/conflict-kinds';

/**
 * Whether the catalog refused a source's table only for reasons its ingest settles on the merged landing files:
 * an append held landing files both sides ingested together with others (`shared-ingest`: the target's table kept,
 * the files it lacks ingested again), or one side refreshed the table in full while the other added to it
 * (`full-refresh-over-changes`: refreshed by the merge source, every merged file is read again; by the target, the
 * source's files are ingested into it). Any other reason still needs a rebuild or a person. Decided on the kinds the
 * catalog sends, never on the message, which is for people and may be reworded; a conflict without kinds (a plain
 * one) is not.
 *
 * @example settledByReingest({ kinds: ['shared-ingest'] }) // → true
 */
export function settledByReingest(conflict: { kinds: readonly string[] }): boolean {
  const settled: readonly MergeConflictKind[] = ['shared-ingest', 'full-refresh-over-changes'];
  return conflict.kinds.length > 0 && conflict.kinds.every((k) => (settled as readonly string[]).includes(k));
}
