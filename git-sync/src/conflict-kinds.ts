import type { MergeConflictKind } from '@ratatouille/iceberg/conflict-kinds';

/**
 * Whether the catalog refused a table only because an append held landing files both sides ingested together with
 * others (every reason of kind `shared-ingest`): keeping the target's table and re-ingesting the files it lacks then
 * settles it, while any other reason still needs a rebuild or a person. Decided on the kinds the catalog sends, never
 * on the message, which is for people and may be reworded; a conflict without kinds (a plain one) is not.
 *
 * @example settledByReingest({ kinds: ['shared-ingest'] }) // → true
 */
export function settledByReingest(conflict: { kinds: readonly string[] }): boolean {
  const reingest: MergeConflictKind = 'shared-ingest';
  return conflict.kinds.length > 0 && conflict.kinds.every((k) => k === reingest);
}
