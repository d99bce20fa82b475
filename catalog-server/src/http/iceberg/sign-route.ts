import type { Router } from 'express';
import { s3SignRequest } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { signS3RequestFor, signStagedS3Request } from '../../service/signing/sign-s3-request.ts';
import { stagedLocationOf } from '../../service/signing/client-access.ts';
import { parseBody, sendJson } from './json-io.ts';
import { namespaceOf, param, refOf } from './params.ts';

/** The signer endpoint's path below `/v1[/<prefix>]`: per table, as the Iceberg REST spec's `…/tables/{table}/sign`. */
export const SIGN_PATH = '/namespaces/:namespace/tables/:table/sign';

/**
 * S3 remote signing (Iceberg's S3 signer protocol): `{region, uri, method, headers, body?}` → `{uri, headers}`. The
 * authorization middleware has checked the caller against the ref by the signed request's method; the service holds
 * the request to the table. Reads may be cached by the client (`Cache-Control: private`), writes not.
 */
export function signRoute(r: Router, ctx: AppContext): void {
  r.post(SIGN_PATH, async (req, res) => {
    const body = parseBody(s3SignRequest, req);
    const signed = await signS3RequestFor(
      ctx,
      refOf(req),
      namespaceOf(param(req, 'namespace')),
      param(req, 'table'),
      body,
    );
    res.setHeader('Cache-Control', signed.cacheable ? 'private' : 'no-cache');
    sendJson(res, { uri: signed.uri, headers: signed.headers });
  });
  // A staged create's endpoint carries the location it was given (see stagedSignerEndpoint).
  r.post(`${SIGN_PATH}/staged/:location`, async (req, res) => {
    const body = parseBody(s3SignRequest, req);
    const signed = await signStagedS3Request(ctx, refOf(req), stagedLocationOf(param(req, 'location')), body);
    res.setHeader('Cache-Control', 'no-cache');
    sendJson(res, { uri: signed.uri, headers: signed.headers });
  });
}
