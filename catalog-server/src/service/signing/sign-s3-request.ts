import type { S3SignRequest } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { SignRequestRefusedError } from '../../errors/index.ts';
import { parseS3Request } from '../../warehouse/s3-request.ts';
import { tableLocation, writableRef } from '../iceberg/index.ts';
import { ioFor } from '../iceberg/metadata-io.ts';
import { checkS3Scope, signPrivilegeOf } from './s3-scope.ts';

/** The S3 signer protocol's answer, and whether the client may reuse it (`Cache-Control: private`). */
export interface SignedS3Request {
  uri: string;
  headers: Record<string, string[]>;
  cacheable: boolean;
}

/**
 * Signs one S3 request for a client of table `ns.name` on `ref` (remote signing). The caller was authorized by the
 * request's method before this runs (read on the ref for GET/HEAD, commit for the rest); here the request is held to
 * the table: a write needs the ref to be a branch at its head (a tag or `ref@hash` is read-only, 400), the table's
 * warehouse must sign (policy `remote-signing`), and the object or listing must lie inside the table's location at
 * that ref ({@link checkS3Scope}). Object writes are signed with `If-None-Match: *`, so they create files and never
 * replace one another branch may share. Reads may be reused by the client for a while (Java caches them 30 s).
 *
 * @example await signS3RequestFor(ctx, 'dev', ['db'], 't', { method: 'GET', uri, region, headers: {} })
 */
export async function signS3RequestFor(
  ctx: Pick<AppContext, 'store' | 'locations'>,
  ref: string,
  ns: string[],
  name: string,
  body: S3SignRequest,
): Promise<SignedS3Request> {
  const write = signPrivilegeOf(body.method) === 'write';
  if (write) await writableRef(ctx.store, ref);
  const location = await tableLocation(ctx, ref, ns, name);
  const io = ioFor(ctx, location);
  const signer = io.remoteSigner?.();
  if (!signer) {
    throw new SignRequestRefusedError(
      `Remote signing is not enabled for the warehouse holding this table (${io.root}): set its client credential ` +
        `policy to remote-signing (RAT_S3_CLIENT_CREDENTIALS) to have the catalog sign S3 requests.`,
      { reason: 'not-enabled', warehouse: io.root },
    );
  }
  const req = parseS3Request(body, signer.addressing);
  checkS3Scope(req, location);
  const createOnly = req.operation === 'put-object' || req.operation === 'complete-multipart-upload';
  const headers = await signer.sign(req, createOnly ? { 'if-none-match': '*' } : undefined);
  return { uri: body.uri, headers, cacheable: !write };
}
