import { BadRequestError } from '../../errors/index.ts';
import { wantsRemoteSigning, wantsVendedCredentials, type ClientAccess } from '../../warehouse/s3-config.ts';

export type { ClientAccess } from '../../warehouse/s3-config.ts';

/**
 * The table's signer endpoint as handed to clients in its storage config: relative to the catalog URI they connected
 * with (`http://host/iceberg/<ref>`), so each sign request names the ref and the table it is for, at the Iceberg REST
 * spec's per-table path (`…/tables/{table}/sign`).
 *
 * @example tableSignerEndpoint(['db'], 'events') // 'v1/namespaces/db/tables/events/sign'
 */
export function tableSignerEndpoint(namespace: string[], table: string): string {
  return `v1/namespaces/${encodeURIComponent(namespace.join('\u001f'))}/tables/${encodeURIComponent(table)}/sign`;
}

/**
 * The signer endpoint of a table created in a staged transaction: the table is not on the ref until its create
 * commits, so the endpoint carries the location the staged create gave it (base64url, one path segment).
 *
 * @example stagedSignerEndpoint(['db'], 't', 's3://lake/wh/db/t-1a2b') // 'v1/namespaces/db/tables/t/sign/staged/czM6…'
 */
export function stagedSignerEndpoint(namespace: string[], table: string, location: string): string {
  return `${tableSignerEndpoint(namespace, table)}/staged/${Buffer.from(location, 'utf8').toString('base64url')}`;
}

/** The location a staged signer endpoint carries; a segment that is not base64url of a location is a 400 later. */
export function stagedLocationOf(segment: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) throw new BadRequestError('The staged signer endpoint is malformed.');
  return Buffer.from(segment, 'base64url').toString('utf8');
}

/**
 * What a load or create answer's storage config gives the client, from its `X-Iceberg-Access-Delegation` (a
 * comma-separated list): vended keys when it asks for `vended-credentials` (as always), and the table's signer
 * endpoint when it announces `remote-signing` (used only where the warehouse's policy is `remote-signing`, which then
 * gives no keys at all).
 *
 * @example clientAccessOf('remote-signing', ['db'], 't') // { vendCredentials: false, signerEndpoint: 'v1/namespaces/db/tables/t/sign' }
 */
export function clientAccessOf(
  delegation: string | undefined,
  namespace: string[],
  table: string,
  stagedLocation?: string,
): ClientAccess {
  if (!wantsRemoteSigning(delegation)) return { vendCredentials: wantsVendedCredentials(delegation) };
  const signerEndpoint =
    stagedLocation === undefined
      ? tableSignerEndpoint(namespace, table)
      : stagedSignerEndpoint(namespace, table, stagedLocation);
  return { vendCredentials: wantsVendedCredentials(delegation), signerEndpoint };
}
