import type { TableMetadata } from '../model/table-metadata.ts';

/**
 * The `last-updated-ms` for a new version of `md`: the catalog's own clock `now`, as Iceberg's reference catalog
 * stamps it since 1.11 (it stopped copying the new snapshot's `timestamp-ms`), but never earlier than what the table
 * already records: its current `last-updated-ms` and its newest metadata-log and snapshot-log entries. A writer's
 * clock may lag (a snapshot stamped five minutes ago) or run ahead, and this server's clock may step back; Java's
 * `TableMetadata` refuses to load a table whose `last-updated-ms` is more than a minute behind either log.
 *
 * @example commitTimestamp(md, Date.now()) // ≥ md['last-updated-ms']
 */
export function commitTimestamp(md: TableMetadata, now: number): number {
  let at = Math.max(now, md['last-updated-ms']);
  // Entries are ordered up to a minute of skew, so every entry is looked at, not only the last one.
  for (const e of md['metadata-log']) at = Math.max(at, e['timestamp-ms']);
  for (const e of md['snapshot-log']) at = Math.max(at, e['timestamp-ms']);
  return at;
}
