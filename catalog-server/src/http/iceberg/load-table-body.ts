import { stringifyJson } from '@ratatouille/iceberg';

/**
 * A LoadTableResult body as text around already serialized metadata (same members, same order as
 * `loadTableResult`): the metadata text is cached per metadata file by the service, the storage config and vended
 * credentials are built per request (they depend on who asks and expire).
 *
 * @example loadTableResultText(loc, json, { 's3.region': 'eu-west-1' }, [])
 */
export function loadTableResultText(
  metadataLocation: string,
  metadataJson: string,
  config: Record<string, string>,
  credentials: Array<{ prefix: string; config: Record<string, string> }>,
): string {
  const creds = credentials.length > 0 ? `,"storage-credentials":${stringifyJson(credentials)}` : '';
  return `{"metadata-location":${JSON.stringify(metadataLocation)},"metadata":${metadataJson},"config":${stringifyJson(config)}${creds}}`;
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
