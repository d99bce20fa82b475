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
 * What a load or create answer's storage config gives the client, from its `X-Iceberg-Access-Delegation` (a
 * comma-separated list): vended keys when it asks for `vended-credentials` (as always), and the table's signer
 * endpoint when it announces `remote-signing` (used only where the warehouse's policy is `remote-signing`, which then
 * gives no keys at all).
 *
 * @example clientAccessOf('remote-signing', ['db'], 't') // { vendCredentials: false, signerEndpoint: 'v1/namespaces/db/tables/t/sign' }
 */
export function clientAccessOf(delegation: string | undefined, namespace: string[], table: string): ClientAccess {
  return {
    vendCredentials: wantsVendedCredentials(delegation),
    ...(wantsRemoteSigning(delegation) ? { signerEndpoint: tableSignerEndpoint(namespace, table) } : {}),
  };
}
