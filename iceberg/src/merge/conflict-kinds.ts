/**
 * What kind of refusal a content-aware merge gave for one table, next to its message. The message is for people and
 * may be reworded; callers that act on a conflict (git-sync re-ingests, rebuilds or stops) read the kind instead.
 */
export const MERGE_CONFLICT_KINDS = [
  /** An append holding landing files both sides ingested together with others: re-ingesting settles it. */
  'shared-ingest',
  /** A model's append derived from landing files both sides derived rows from, with others: a rebuild settles it. */
  'shared-derived',
  /** The two sides hold different tables under one name (table uuid differs, dropped and re-created). */
  'different-tables',
  /** Schema, partition spec, sort order, a property or a table ref changed differently on both sides. */
  'metadata-changed-on-both-sides',
  /** The format version was upgraded on one side only. */
  'format-version-upgraded',
  /** A side's history since the merge base can no longer be read (expired, rolled back or replaced). */
  'history-rewritten',
  /** The source removed a file the target no longer has. */
  'removed-file-missing',
  /** A row-level change (delete, overwrite, compaction) of the source over data the target changed meanwhile. */
  'row-level-change-over-new-data',
  /** An upsert whose unique key may collide with rows the target added. */
  'unique-key-collision',
  /** One side refreshed a model's table in full while the other changed its rows: a rebuild settles it. */
  'full-refresh-over-changes',
  /** A source snapshot that cannot be replayed (no manifest list, expired parent, unsupported change). */
  'unreplayable-snapshot',
  /** Table refs would point at snapshots the merge does not bring. */
  'dangling-table-refs',
  /** The table's metadata or manifests cannot be read, so nothing could be judged. */
  'unreadable',
  /** A view changed differently on both sides. */
  'view-changed-on-both-sides',
  /** A namespace property set differently on both sides. */
  'namespace-changed-on-both-sides',
  /** Any other object changed on both sides (no content-aware merge applies). */
  'changed-on-both-sides',
] as const;

export type MergeConflictKind = (typeof MERGE_CONFLICT_KINDS)[number];

/** One reason a table cannot merge: its kind, for machines, and its message, for people. */
export interface MergeConflictReason {
  kind: MergeConflictKind;
  message: string;
}

/** Shorthand for a reason. */
export const reason = (kind: MergeConflictKind, message: string): MergeConflictReason => ({ kind, message });

/**
 * Several reasons as one conflict: the messages joined by `; ` and the kinds in the same order, one per reason.
 *
 * @example joinReasons([reason('shared-ingest', 'a'), reason('history-rewritten', 'b')])
 * // → { message: 'a; b', kinds: ['shared-ingest', 'history-rewritten'] }
 */
export function joinReasons(reasons: MergeConflictReason[]): { message: string; kinds: MergeConflictKind[] } {
  return { message: reasons.map((r) => r.message).join('; '), kinds: reasons.map((r) => r.kind) };
}
