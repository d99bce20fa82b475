import type { S3SignRequest } from '@ratatouille/iceberg';
import type { CatalogAuth } from './auth.ts';
import { exchangeJson, NoResponseError } from './json-exchange.ts';

/** The S3 signer protocol's answer: the URI to send to and the headers to add (values as lists). */
export interface S3SignResponse {
  uri: string;
  headers: Record<string, string[]>;
}

/** A refused or failed sign request; `status` is the catalog's HTTP status (0: no answer). */
export class S3SignError extends Error {
  readonly code = 'S3_SIGN_FAILED' as const;
  constructor(
    readonly status: number,
    /** The catalog's error `type` (e.g. `ForbiddenException`), or `ConnectionError`. */
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'S3SignError';
  }
}

/**
 * Where a table's S3 requests are signed, from its `loadTable`/`createTable` config; undefined unless the config
 * turns remote signing on (`s3.remote-signing-enabled=true`). The endpoint (`s3.signer.endpoint`, else Java 1.11's
 * `signer.endpoint`, else the spec's default `v1/aws/s3/sign`) is relative to `s3.signer.uri` when given, else to the
 * catalog URI the table was loaded through — which names the ref, so the catalog knows which branch the request is
 * for. An absolute `http(s)://` endpoint is used as is. Java's `S3V4RestSignerClient` and PyIceberg resolve it the
 * same way.
 *
 * @example resolveSignerEndpoint('http://h:8181/iceberg/dev', { 's3.remote-signing-enabled': 'true',
 *   's3.signer.endpoint': 'v1/namespaces/db/tables/t/sign' }) // 'http://h:8181/iceberg/dev/v1/namespaces/db/tables/t/sign'
 */
export function resolveSignerEndpoint(
  catalogUri: string,
  config: Record<string, string> | undefined,
): string | undefined {
  if (config?.['s3.remote-signing-enabled']?.toLowerCase() !== 'true') return undefined;
  const endpoint = config['s3.signer.endpoint'] ?? config['signer.endpoint'] ?? 'v1/aws/s3/sign';
  if (/^https?:\/\//i.test(endpoint)) return endpoint;
  const base = config['s3.signer.uri'] ?? catalogUri;
  return `${base.replace(/\/+$/, '')}/${endpoint.replace(/^\/+/, '')}`;
}

/**
 * Asks the catalog's signer endpoint to sign one S3 request, authenticated as the catalog client is (same
 * credentials, same token cache; a 401 renews the token once).
 *
 * @example const signed = await signS3Request(catalog.auth, url, { region, uri, method: 'GET', headers: {} })
 */
export async function signS3Request(auth: CatalogAuth, url: string, req: S3SignRequest): Promise<S3SignResponse> {
  let res;
  try {
    res = await exchangeJson('POST', url, { auth, body: JSON.stringify(req), parse: JSON.parse });
  } catch (err) {
    if (!(err instanceof NoResponseError)) throw err;
    throw new S3SignError(
      0,
      'ConnectionError',
      `Signing ${req.method} ${req.uri} at ${url}: no answer (${err.message}).`,
    );
  }
  const body = res.body as { uri?: unknown; headers?: unknown; error?: { type?: string; message?: string } } | null;
  if (!res.ok || typeof body?.uri !== 'string' || typeof body.headers !== 'object' || body.headers === null) {
    const e = body?.error;
    throw new S3SignError(
      res.status,
      e?.type ?? 'HttpError',
      `The catalog refused to sign ${req.method} ${req.uri} (${res.status} ${e?.type ?? res.statusText}): ` +
        `${e?.message ?? (typeof res.body === 'string' ? res.body : 'no signed request in the answer')}`,
    );
  }
  return { uri: body.uri, headers: body.headers as Record<string, string[]> };
}
