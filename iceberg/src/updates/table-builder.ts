import type { TableMetadata } from '../model/table-metadata.ts';
import { recordCopy } from '../model/history-lineage.ts';

/**
 * The working state while one commit's updates are applied in order. Besides the metadata it remembers what this
 * commit added, because `-1` in set-current-schema / set-default-spec / set-default-sort-order means "the one added
 * in this commit", and snapshot-log timestamps depend on whether the snapshot is new (a new one is logged at its own
 * timestamp, an existing one made current again at the commit's time).
 */
export interface TableBuilder {
  md: TableMetadata;
  /** True while building a table that does not exist yet (create transaction): assign-uuid may set the uuid. */
  creating: boolean;
  /**
   * Wall-clock time of this commit, never before the base's `last-updated-ms` (injected so that appliers stay pure
   * and tests deterministic).
   */
  now: number;
  lastAddedSchemaId?: number;
  lastAddedSpecId?: number;
  lastAddedSortOrderId?: number;
  addedSnapshotIds: Set<bigint>;
}

/**
 * Starts a builder over a copy of `md` that leaves the caller's metadata untouched. Only the containers are copied
 * (the metadata object, its arrays and records): the appliers add, remove and replace elements but never change one,
 * so the new version shares its schemas, snapshots and log entries with `md`. A commit then copies references, not
 * the table's history (`iceberg/src/updates/table-updates.test.ts` applies every update to deeply frozen metadata).
 */
export function tableBuilder(md: TableMetadata, opts: { now: number; creating?: boolean }): TableBuilder {
  return { md: containersCopied(md), creating: opts.creating ?? false, now: opts.now, addedSnapshotIds: new Set() };
}

function containersCopied(md: TableMetadata): TableMetadata {
  const out: Record<string, unknown> = { ...md };
  for (const [key, value] of Object.entries(out)) {
    if (Array.isArray(value)) {
      const copy = value.slice();
      recordCopy(copy, value);
      out[key] = copy;
    } else if (typeof value === 'object' && value !== null) out[key] = { ...value };
  }
  return out as TableMetadata;
}
