import { stringifyJson } from '@ratatouille/iceberg';

/**
 * A LoadTableResult body around already encoded metadata (same members, same order as `loadTableResult`): the
 * metadata's bytes are cached per metadata file by the service, the storage config and vended credentials are built
 * per request (they depend on who asks and expire).
 *
 * @example loadTableResultBytes(loc, metadataBytes, { 's3.region': 'eu-west-1' }, [])
 */
export function loadTableResultBytes(
  metadataLocation: string,
  metadataJson: Buffer,
  config: Record<string, string>,
  credentials: Array<{ prefix: string; config: Record<string, string> }>,
): Buffer {
  const creds = credentials.length > 0 ? `,"storage-credentials":${stringifyJson(credentials)}` : '';
  return Buffer.concat([
    Buffer.from(`{"metadata-location":${JSON.stringify(metadataLocation)},"metadata":`, 'utf8'),
    metadataJson,
    Buffer.from(`,"config":${stringifyJson(config)}${creds}}`, 'utf8'),
  ]);
}

/**
 * A CommitTableResponse body around the new metadata file's bytes, in pieces: the file holds exactly the metadata the
 * answer carries, so it is neither serialized nor encoded a second time, nor copied into one buffer.
 *
 * @example sendJsonPieces(res, commitTableResponsePieces(loc, fileBytes))
 */
export function commitTableResponsePieces(metadataLocation: string, metadataJson: Buffer): Array<string | Buffer> {
  return [`{"metadata-location":${JSON.stringify(metadataLocation)},"metadata":`, metadataJson, '}'];
}
