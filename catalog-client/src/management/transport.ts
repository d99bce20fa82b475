import { exchangeJson, NoResponseError, type JsonExchange } from '../json-exchange.ts';
import { defaultCredentials, type CatalogAuth, type CatalogCredentials } from '../auth.ts';
import { ManagementApiError } from './management-api-error.ts';
import type { Paged, PageOptions } from './shapes.ts';

export interface ManagementClientOptions {
  /** Server root, e.g. `http://127.0.0.1:8181` (the client appends `/api/v2`). */
  server: string;
  headers?: Record<string, string>;
  /** Give up on a request after this long (git hooks must never hang git); default: no limit. */
  timeoutMs?: number;
  /** For a catalog with auth on; default: `defaultCredentials(server)` (environment, else saved by `rat login`). */
  credentials?: CatalogCredentials;
}

/**
 * One JSON request/response exchange with `/api/v2`, shared by every resource of the management client: an error
 * response or an unreachable server becomes a `ManagementApiError`.
 *
 * @example
 *   const t = new ManagementTransport({ server: 'http://127.0.0.1:8181' });
 *   const config = await t.request<{ defaultBranch: string }>('GET', '/config');
 */
export class ManagementTransport {
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs?: number;

  private readonly auth: CatalogAuth;

  constructor(opts: ManagementClientOptions) {
    this.baseUrl = `${opts.server.replace(/\/+$/, '')}/api/v2`;
    this.auth = { server: opts.server, credentials: opts.credentials ?? defaultCredentials(opts.server) };
    this.headers = opts.headers ?? {};
    this.timeoutMs = opts.timeoutMs;
  }

  /** Every item of the list `field`, following page tokens to the end. */
  async collect<T>(page: (q: string) => Promise<Paged & Record<string, unknown>>, field: string): Promise<T[]> {
    const out: T[] = [];
    let token: string | null = null;
    do {
      const body: Paged & Record<string, unknown> = await page(query({ 'page-token': token ?? undefined }));
      out.push(...(body[field] as T[]));
      token = body.hasMore ? body.token : null;
    } while (token);
    return out;
  }

  /** Sends `body` as JSON to `path` (below `/api/v2`) and answers the parsed response body. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    let res: JsonExchange;
    try {
      res = await exchangeJson(method, url, {
        headers: { accept: 'application/json', ...this.headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: this.timeoutMs,
        parse: JSON.parse,
        auth: this.auth,
      });
    } catch (e) {
      if (!(e instanceof NoResponseError)) throw e;
      const unreachable = new ManagementApiError(
        0,
        'UNREACHABLE',
        `cannot reach the server (${e.message})`,
        method,
        url,
      );
      unreachable.cause = e.message;
      throw unreachable;
    }
    if (!res.ok) {
      const err = (res.body ?? {}) as {
        message?: string;
        errorCode?: string;
        catalogCode?: string;
        errorDetails?: unknown;
      };
      throw new ManagementApiError(
        res.status,
        err.errorCode ?? 'UNKNOWN',
        err.message ?? (typeof res.body === 'string' ? res.body : res.statusText),
        method,
        url,
        err.errorDetails ?? null,
        err.catalogCode,
      );
    }
    return res.body as T;
  }
}

/**
 * The paging query parameters of `o`.
 *
 * @example query(paging({ maxRecords: 10 })) // '?max-records=10'
 */
export function paging(o: PageOptions): Record<string, string | undefined> {
  return { 'max-records': o.maxRecords?.toString(), 'page-token': o.pageToken };
}

/**
 * A query string of the defined `params` (empty when none is).
 *
 * @example query({ target: 'main', ref: undefined }) // '?target=main'
 */
/**
 * `q` (a query string from {@link query}, possibly empty) with `params` added.
 *
 * @example withQuery('?page-token=abc', { fetch: 'ALL' }) // '?page-token=abc&fetch=ALL'
 */
export function withQuery(q: string, params: Record<string, string | undefined>): string {
  const more = query(params);
  return q && more ? `${q}&${more.slice(1)}` : q || more;
}

export function query(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
