import { gunzipSync } from 'node:zlib';
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

/** Iceberg's table property choosing how a table's metadata files are compressed: `none` (the default) or `gzip`. */
export const METADATA_COMPRESSION = 'write.metadata.compression-codec';

/**
 * The codec a table's metadata files are written with, as Iceberg's writers read the property (any case); undefined
 * for a value they refuse (only `none` and `gzip` exist for metadata files).
 *
 * @example metadataCodecOf({ 'write.metadata.compression-codec': 'GZIP' }) // 'gzip'
 */
export function metadataCodecOf(properties: Record<string, string> = {}): 'none' | 'gzip' | undefined {
  const value = (properties[METADATA_COMPRESSION] ?? 'none').trim().toLowerCase();
  return value === 'none' || value === 'gzip' ? value : undefined;
}

/** The most a gzip-compressed metadata file may expand to (a guard against a file built to exhaust memory). */
export const MAX_METADATA_BYTES = 512 * 1024 * 1024;

/**
 * A metadata file's JSON bytes: gzip-compressed files (a `.gz.metadata.json` that Iceberg's writers make for tables
 * with `write.metadata.compression-codec=gzip`, recognized by gzip's magic bytes whatever the name) are decompressed,
 * others returned as they are. Throws on a corrupt or oversized compressed file.
 *
 * @example JSON.parse(metadataJsonBytes(readFileSync('00003-x.gz.metadata.json')).toString('utf8'))
 */
export function metadataJsonBytes(file: Buffer, maxBytes = MAX_METADATA_BYTES): Buffer {
  if (file.length < 2 || file[0] !== 0x1f || file[1] !== 0x8b) return file;
  return gunzipSync(file, { maxOutputLength: maxBytes });
}

/**
 * Where the next metadata file of a table or view goes: `<location>/metadata/NNNNN-<uuid>.metadata.json` (or under
 * the `write.metadata.path` property), numbered one above the previous file. The uuid makes concurrent writers (and
 * retries) pick distinct files. A gzip-compressed file is named `…-<uuid>.gz.metadata.json`, as Iceberg's writers
 * name it and its readers recognize it.
 *
 * @example nextMetadataLocation('file:///wh/db/t', 'file:///wh/db/t/metadata/00001-a.metadata.json', 'b') // 'file:///wh/db/t/metadata/00002-b.metadata.json'
 */
export function nextMetadataLocation(
  location: string,
  previous: string | undefined,
  uuid: string,
  properties: Record<string, string> = {},
  codec: 'none' | 'gzip' = 'none',
): string {
  const version = previous === undefined ? 0 : metadataVersionOf(previous) + 1;
  const dir = properties[WRITE_METADATA_PATH] || `${location.replace(/\/+$/, '')}/metadata`;
  const suffix = codec === 'gzip' ? '.gz.metadata.json' : '.metadata.json';
  return `${dir.replace(/\/+$/, '')}/${String(Math.max(version, 0)).padStart(5, '0')}-${uuid}${suffix}`;
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
