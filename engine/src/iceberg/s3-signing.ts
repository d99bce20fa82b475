import type { CatalogAuth, S3SignResponse } from '@ratatouille/catalog-client';
import type { S3SignRequest } from '@ratatouille/iceberg';

/**
 * Remote signing, the pure half: turning the request the AWS SDK is about to send into an Iceberg S3 sign request,
 * and applying the catalog's answer to it. The IO (the POST to the signer endpoint) is in s3-store.ts.
 */

/** Where the S3 requests for one table's files are signed, and as whom: the catalog client's own credentials. */
export interface TableSigner {
  /** The absolute signer endpoint (see `resolveSignerEndpoint`). */
  url: string;
  auth: CatalogAuth;
}

/**
 * The signer of the table whose location holds `location` (segment by segment: `…/tbl` holds `…/tbl/data/a` but not
 * `…/tbl-2/a`); the innermost one when locations nest. Keys of `signers` are table locations as `bucket/path`.
 *
 * @example signerOf(new Map([['lake/wh/t', s]]), 'lake/wh/t/data/a.parquet') // s
 */
export function signerOf<T>(signers: ReadonlyMap<string, T>, location: string): T | undefined {
  let best: { at: string; signer: T } | undefined;
  for (const [at, signer] of signers) {
    const inside = location === at || location.startsWith(`${at}/`);
    if (inside && (!best || at.length > best.at.length)) best = { at, signer };
  }
  return best?.signer;
}

/** The fields of the SDK's `HttpRequest` that signing reads and changes (structurally the SDK's own type). */
export interface SignableRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, string | string[] | null | undefined>;
  headers: Record<string, string>;
}

/**
 * The URI the SDK's HTTP handler will request: its query built as the handler builds it (keys sorted, RFC 3986
 * escaping), so the URI the catalog signs is byte for byte the one sent.
 *
 * @example requestUri({ protocol: 'http:', hostname: 'h', port: 9000, path: '/b/k', query: { 'x-id': 'GetObject' }, … })
 *   // 'http://h:9000/b/k?x-id=GetObject'
 */
export function requestUri(req: Pick<SignableRequest, 'protocol' | 'hostname' | 'port' | 'path' | 'query'>): string {
  const parts: string[] = [];
  for (const key of Object.keys(req.query ?? {}).sort()) {
    const value = req.query[key];
    const k = escapeUri(key);
    if (Array.isArray(value)) for (const v of value) parts.push(`${k}=${escapeUri(v)}`);
    else if (value === null || value === undefined) parts.push(k);
    else parts.push(`${k}=${escapeUri(value)}`);
  }
  const port = req.port ? `:${req.port}` : '';
  return `${req.protocol}//${req.hostname}${port}${req.path}${parts.length ? `?${parts.join('&')}` : ''}`;
}

/**
 * The request with its payload declared `UNSIGNED-PAYLOAD` unless it declares a hash already: the engine streams its
 * uploads, the catalog signs no payload it has not seen and refuses signed streaming payloads. Set on the request
 * itself (not only in the sign request) because the signature covers it.
 *
 * @example withUnsignedPayload(req).headers['x-amz-content-sha256'] // 'UNSIGNED-PAYLOAD'
 */
export function withUnsignedPayload<R extends SignableRequest>(req: R): R {
  if (Object.keys(req.headers).some((h) => h.toLowerCase() === 'x-amz-content-sha256')) return req;
  return copyOf(req, { ...req.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
}

/**
 * The sign request for an SDK request: method, URI as sent, every header as a list.
 *
 * @example toSignRequest(req, 'us-east-1') // { region: 'us-east-1', method: 'GET', uri: 'http://…', headers: { host: ['…'] } }
 */
export function toSignRequest(req: SignableRequest, region: string): S3SignRequest {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = [value];
  return { region, method: req.method.toUpperCase() as S3SignRequest['method'], uri: requestUri(req), headers };
}

/**
 * A copy of `req` carrying the catalog's answer: each header it returns replaces the request's header of that name
 * (case-insensitively; repeated values joined with a comma, as HTTP combines them), the rest are kept since they are
 * what the signature covers. When the catalog answers another URI than the one asked, the request goes there.
 *
 * @example applySigned(req, 'http://h/b/k', { uri: 'http://h/b/k', headers: { Authorization: ['AWS4-HMAC-SHA256 …'] } })
 */
export function applySigned<R extends SignableRequest>(req: R, askedUri: string, signed: S3SignResponse): R {
  const headers: Record<string, string> = {};
  const replaced = new Set(Object.keys(signed.headers).map((h) => h.toLowerCase()));
  for (const [name, value] of Object.entries(req.headers)) if (!replaced.has(name.toLowerCase())) headers[name] = value;
  for (const [name, values] of Object.entries(signed.headers)) headers[name] = values.join(',');
  const out = copyOf(req, headers);
  if (signed.uri !== askedUri) {
    const u = new URL(signed.uri);
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of u.searchParams) {
      const had = query[k];
      query[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
    }
    Object.assign(out, {
      protocol: u.protocol,
      hostname: u.hostname,
      port: u.port ? Number(u.port) : undefined,
      path: u.pathname,
      query,
    });
    // The Host header names where the request goes; a stale one would not match the signature.
    for (const name of Object.keys(out.headers)) if (name.toLowerCase() === 'host') out.headers[name] = u.host;
  }
  return out;
}

/** A copy of the request with other headers, keeping its prototype (the SDK checks it is still an `HttpRequest`). */
function copyOf<R extends SignableRequest>(req: R, headers: Record<string, string>): R {
  return Object.assign(Object.create(Object.getPrototypeOf(req) as object) as R, req, { headers });
}

function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
