import type { MetadataLogEntry } from './model/parts.ts';

/** Iceberg's property capping how many earlier metadata files the metadata-log keeps. */
export const PREVIOUS_VERSIONS_MAX = 'write.metadata.previous-versions-max';
const DEFAULT_PREVIOUS_VERSIONS_MAX = 100;

/**
 * The version number in a metadata file name (`00003-<uuid>.metadata.json` → 3, also `v3.metadata.json`); -1 when
 * the name carries none.
 */
export function metadataVersionOf(location: string): number {
  const name = location.slice(location.lastIndexOf('/') + 1);
  const m = /^(\d+)-.*\.metadata\.json$/.exec(name) ?? /^v(\d+)\.metadata\.json$/.exec(name);
  return m ? Number(m[1]) : -1;
}

/** Iceberg's table and view property naming the folder for metadata files (default `<location>/metadata`). */
export const WRITE_METADATA_PATH = 'write.metadata.path';

/**
 * Where the next metadata file of a table or view goes: `<location>/metadata/NNNNN-<uuid>.metadata.json` (or under
 * the `write.metadata.path` property), numbered one above the previous file. The uuid makes concurrent writers (and
 * retries) pick distinct files.
 *
 * @example nextMetadataLocation('file:///wh/db/t', 'file:///wh/db/t/metadata/00001-a.metadata.json', 'b') // 'file:///wh/db/t/metadata/00002-b.metadata.json'
 */
export function nextMetadataLocation(
  location: string,
  previous: string | undefined,
  uuid: string,
  properties: Record<string, string> = {},
): string {
  const version = previous === undefined ? 0 : metadataVersionOf(previous) + 1;
  const dir = properties[WRITE_METADATA_PATH] || `${location.replace(/\/+$/, '')}/metadata`;
  return `${dir.replace(/\/+$/, '')}/${String(Math.max(version, 0)).padStart(5, '0')}-${uuid}.metadata.json`;
}

/**
 * The metadata-log after replacing the file at `previous` (written at `previousUpdatedMs`) with a new one: the
 * previous file is appended and the oldest entries beyond the table's `write.metadata.previous-versions-max` dropped.
 */
export function appendMetadataLog(
  log: readonly MetadataLogEntry[],
  previous: string | undefined,
  previousUpdatedMs: number,
  properties: Record<string, string>,
): MetadataLogEntry[] {
  if (previous === undefined) return [...log];
  const max = Math.max(
    1,
    Number(properties[PREVIOUS_VERSIONS_MAX] ?? DEFAULT_PREVIOUS_VERSIONS_MAX) || DEFAULT_PREVIOUS_VERSIONS_MAX,
  );
  const next = [
    ...log.filter((e) => e['metadata-file'] !== previous),
    { 'metadata-file': previous, 'timestamp-ms': previousUpdatedMs },
  ];
  return next.slice(Math.max(0, next.length - max));
}
