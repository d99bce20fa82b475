import { encodeTableMetadataJson } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { loadTableAnswer, storageConfig, tableStorage, type CallerRights } from '../../service/iceberg/index.ts';
import { BadRequestError } from '../../errors/index.ts';
import { clientAccessOf } from '../../service/signing/client-access.ts';
import { loadTableResultBytes } from './load-table-body.ts';
import { tableMetadataFor } from './serialize.ts';

/** What a loadTable request asks, read from its URL and headers by whichever front end received it. */
export interface LoadTableQuery {
  ref: string;
  namespace: string[];
  table: string;
  /** The `snapshots` query parameter, as given. */
  snapshots: string | undefined;
  /** The `X-Iceberg-Access-Delegation` header. */
  delegation: string | undefined;
  /** The `If-None-Match` header. */
  ifNoneMatch: string | undefined;
}

/** The answer: its ETag always; the body unless the client's copy is current (a 304). */
export interface LoadTableResponse {
  etag: string;
  body?: Buffer;
}

/**
 * loadTable without a web framework: the express route and the hot path in front of express (http/hot-reads.ts) both
 * answer with this, so the two cannot drift apart. The ref's current head names the metadata file (resolved on every
 * load); what is built from that immutable file is cached by its location as bytes. Without vended credentials that
 * is the whole answer (its storage settings are the warehouse's, fixed at startup); with them only the metadata, the
 * credentials added per request (they depend on what `caller` may do on the ref).
 *
 * @example const r = await loadTableResponse(ctx, { ref: 'main', namespace: ['db'], table: 't', … }, accessOf(req))
 */
export async function loadTableResponse(
  ctx: AppContext,
  q: LoadTableQuery,
  caller: CallerRights,
): Promise<LoadTableResponse> {
  const mode = snapshotsMode(q.snapshots);
  const access = clientAccessOf(q.delegation, q.namespace, q.table);
  // Per request: the keys (vended), the table's own signer endpoint (which depends on the name, not the file).
  const perRequest = access.vendCredentials === true || access.signerEndpoint !== undefined;
  const t = await loadTableAnswer(ctx, q.ref, q.namespace, q.table, `${mode}:${perRequest}`, mode, (md, loc) => {
    const metadata = encodeTableMetadataJson(tableMetadataFor(md, mode));
    return perRequest ? metadata : loadTableResultBytes(loc, metadata, storageConfig(ctx, md.location, {}), []);
  });
  if (etagMatches(q.ifNoneMatch, t.etag)) return { etag: t.etag };
  if (!perRequest) return { etag: t.etag, body: t.bytes };
  const table = { location: t.tableLocation, properties: t.tableProperties };
  const storage = await tableStorage(ctx, q.ref, table, access, caller, q.namespace);
  const body = loadTableResultBytes(t.metadataLocation, t.bytes, storage.config, storage.credentials);
  return { etag: t.etag, body };
}

function snapshotsMode(value: string | undefined): 'all' | 'refs' {
  const v = (value ?? 'all').toLowerCase();
  if (v !== 'all' && v !== 'refs') throw new BadRequestError(`Invalid snapshots="${v}": use all or refs.`);
  return v;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === etag;
  });
}
