import { authorizationFor, type CatalogAuth } from './auth.ts';

/** A response as both clients read it: status, and the body parsed as JSON, the raw text when it is not JSON, or null. */
export interface JsonExchange {
  status: number;
  ok: boolean;
  statusText: string;
  body: unknown;
  /** The response's `ETag` header, when it has one. */
  etag?: string;
}

/** The request never got an HTTP answer (connection refused, reset, timed out). */
export class NoResponseError extends Error {}

/**
 * Sends one request with an optional JSON body and reads the whole response. Both API clients go through here and
 * only differ in how they serialize (lossless for Iceberg) and in the error type they turn a failure into.
 *
 * @example const r = await exchangeJson('GET', `${server}/api/v2/config`, { parse: JSON.parse });
 */
export async function exchangeJson(
  method: string,
  url: string,
  opts: {
    headers?: Record<string, string>;
    /** Already serialized JSON; sets `content-type`. */
    body?: string;
    timeoutMs?: number;
    parse: (text: string) => unknown;
    /** Adds `Authorization` from these credentials (unless `headers` has one); a 401 renews the token once. */
    auth?: CatalogAuth;
  },
): Promise<JsonExchange> {
  const send = async (renew: boolean): Promise<Response> => {
    const authorization =
      opts.auth && !hasAuthorization(opts.headers) ? await authorizationFor(opts.auth, renew) : undefined;
    try {
      return await fetch(url, {
        method,
        headers: {
          ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(authorization ? { authorization } : {}),
          ...opts.headers,
        },
        body: opts.body,
        signal: opts.timeoutMs ? AbortSignal.timeout(opts.timeoutMs) : undefined,
      });
    } catch (err) {
      // fetch says only "fetch failed"; what went wrong (ECONNREFUSED, ENOTFOUND, a timeout) is in its cause.
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new NoResponseError(cause?.code ?? cause?.message ?? (err as Error).message);
    }
  };
  let res = await send(false);
  // A fetched token may have expired or the server's signing key rotated: one fresh token, one retry.
  if (res.status === 401 && opts.auth?.credentials && 'clientId' in opts.auth.credentials) {
    await res.arrayBuffer();
    res = await send(true);
  }
  const text = await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = opts.parse(text);
    } catch {
      body = text;
    }
  }
  return {
    status: res.status,
    ok: res.ok,
    statusText: res.statusText,
    body,
    etag: res.headers.get('etag') ?? undefined,
  };
}

function hasAuthorization(headers: Record<string, string> | undefined): boolean {
  return Object.keys(headers ?? {}).some((h) => h.toLowerCase() === 'authorization');
}
