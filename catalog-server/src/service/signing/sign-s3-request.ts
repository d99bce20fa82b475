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
  return signWithin(ctx, await tableLocation(ctx, ref, ns, name), body, write);
}

/**
 * Signs one S3 request for a table being created in a staged transaction (`stage-create`, what Spark's
 * `CREATE TABLE … AS SELECT` and dbt's table materializations do): its data files are written before the table exists
 * on the ref, so there is no table location to look up. The location comes from the signer endpoint the staged
 * create handed out, checked as a client-named table location is (inside an allowed root), and only what creating
 * files needs is signed: writes (create-only, like every signed write) and `HEAD`, with which a writer checks that a
 * new file's name is free. Reads and listings are refused, so a location put in such an endpoint by hand reveals no
 * file's content. The caller needs commit rights on the branch (the route's authorization) and the ref must be a
 * branch head.
 *
 * @example await signStagedS3Request(ctx, 'dev', 's3://lake/wh/db/t-1a2b', { method: 'PUT', uri, region, headers: {} })
 */
export async function signStagedS3Request(
  ctx: Pick<AppContext, 'store' | 'locations'>,
  ref: string,
  stagedLocation: string,
  body: S3SignRequest,
): Promise<SignedS3Request> {
  await writableRef(ctx.store, ref);
  const location = await ctx.locations.confine(stagedLocation, 'Staged table location');
  const method = body.method.toUpperCase();
  if (method === 'GET') {
    throw new SignRequestRefusedError(
      'A staged table has no files to read yet: only writes and existence checks (HEAD) are signed until its create commits.',
      { reason: 'staged-read', location },
    );
  }
  return signWithin(ctx, location, body, method !== 'HEAD');
}

/** Signs `body` if it lies inside `location` and the location's warehouse signs (policy `remote-signing`). */
async function signWithin(
  ctx: Pick<AppContext, 'locations'>,
  location: string,
  body: S3SignRequest,
  write: boolean,
): Promise<SignedS3Request> {
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
