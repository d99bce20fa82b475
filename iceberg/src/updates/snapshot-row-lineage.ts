import type { Snapshot } from '../model/parts.ts';
import type { TableMetadata } from '../model/table-metadata.ts';
import { InvalidUpdateError, RequirementFailedError } from '../errors/index.ts';

/**
 * Row lineage of a snapshot being added (spec, "Row Lineage" and "Snapshot Row IDs"): checks the snapshot's
 * `first-row-id` and `added-rows` and moves the table's `next-row-id` past the row ids the snapshot assigns. Changes
 * `md` and `snap`, which must be the builder's own copies.
 *
 * - `first-row-id` and `added-rows` are non-negative, and `first-row-id` comes with `added-rows` (in every format
 *   version, as Java's `BaseSnapshot` requires): without it nobody knows how many row ids the snapshot took.
 * - On v3 a `first-row-id` behind the table's `next-row-id` means the writer assigned row ids from stale metadata,
 *   ids another snapshot already holds: a conflict (409) the writer resolves by refreshing and retrying, as the
 *   reference catalog answers it (`CommitFailedException`), like a stale sequence number.
 * - A v3 snapshot must say which row ids it assigns (`first-row-id` and `added-rows`), as Java's and PyIceberg's
 *   builders require. Without them the table's `next-row-id` cannot move past the rows the snapshot added, so the
 *   next snapshot would hand out the same row ids again: refused as the client's mistake (400), like Java's reference
 *   catalog.
 * - `next-row-id` becomes `first-row-id + added-rows`. For a writer that follows the spec (`first-row-id` equal to
 *   `next-row-id`) this is `next-row-id + added-rows`, what Java and PyIceberg compute. For one that starts beyond
 *   `next-row-id` they add `added-rows` to the old value, which leaves ids the snapshot assigned at or above the new
 *   `next-row-id` and so breaks the spec's rule that `next-row-id` is higher than every assigned row id; the next
 *   snapshot would reuse them. This keeps the rule.
 *
 * @example addSnapshotRowLineage(md, snap) // md['next-row-id'] 10, snap first-row-id 10, added-rows 5 → 15
 */
export function addSnapshotRowLineage(md: TableMetadata, snap: Snapshot): void {
  const id = snap['snapshot-id'];
  const first = countField(snap, 'first-row-id');
  const added = countField(snap, 'added-rows');
  if (first !== undefined && added === undefined) {
    throw new InvalidUpdateError(
      `Snapshot ${id} has first-row-id ${first} but no added-rows: added-rows is required when first-row-id is set.`,
      { snapshotId: id, field: 'added-rows' },
    );
  }
  if (md['format-version'] < 3) return;
  if (first === undefined) {
    throw new InvalidUpdateError(
      `Cannot add snapshot ${id}: first-row-id is required on format version 3 tables (with added-rows), so that its rows get row ids no other snapshot holds.`,
      { snapshotId: id, field: 'first-row-id' },
    );
  }
  const nextRowId = md['next-row-id'] ?? 0;
  if (first < nextRowId) {
    throw new RequirementFailedError(
      `Cannot add snapshot ${id}: its first-row-id ${first} is behind the table's next-row-id ${nextRowId}. Refresh the table and retry.`,
      { snapshotId: id, firstRowId: first, nextRowId },
    );
  }
  md['next-row-id'] = first + added!;
}

/** A snapshot's row count field: absent, or a non-negative integer (anything else is the client's mistake). */
function countField(snap: Snapshot, field: 'first-row-id' | 'added-rows'): number | undefined {
  const value = snap[field];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new InvalidUpdateError(
      `Snapshot ${snap['snapshot-id']} has an invalid ${field} ${String(value)}: it must be a non-negative integer.`,
      { snapshotId: snap['snapshot-id'], field },
    );
  }
  return n;
}
