import type { TableMetadata } from '@ratatouille/iceberg';
import { parseJson, stringifyJson } from '@ratatouille/iceberg/json';
import { exchangeJson, NoResponseError, type JsonExchange } from './json-exchange.ts';
import { defaultCredentials, type CatalogAuth, type CatalogCredentials } from './auth.ts';
import { LoadCache } from './load-cache.ts';

/**
 * The table-metadata model (its zod schemas and the package's Avro types are built when it loads), imported on the
 * first table read or write: most `rat` processes — every git hook — never read a table and would spend ~50 ms of their
 * start building it.
 */
const tableModel = () => import('@ratatouille/iceberg');

/** An Iceberg REST error response (`{"error": {message, type, code}}`) or a transport failure (`status` 0). */
export class IcebergRestError extends Error {
  readonly code = 'ICEBERG_REST_ERROR' as const;
  constructor(
    readonly status: number,
    /** The error `type` from the response, e.g. `CommitFailedException`, `NoSuchTableException`. */
    readonly type: string,
    message: string,
    readonly method: string,
    readonly url: string,
  ) {
    super(`${method} ${url} → ${status} ${type}: ${message}`);
    this.name = 'IcebergRestError';
  }
  /** 409: a requirement failed (commit) or the object exists (create). */
  get isConflict(): boolean {
    return this.status === 409;
  }
  get isNotFound(): boolean {
    return this.status === 404;
  }
}

export interface TableIdent {
  namespace: string[];
  name: string;
}

export interface LoadTableResult {
  'metadata-location': string | null;
  metadata: TableMetadata;
  config: Record<string, string>;
}

export interface CreateTableRequest {
  name: string;
  schema: Record<string, unknown>;
  'partition-spec'?: Record<string, unknown>;
  'write-order'?: Record<string, unknown>;
  location?: string;
  properties?: Record<string, string>;
  'stage-create'?: boolean;
}

/** A table update or requirement in its REST JSON form (`action` / `type` plus fields). */
export type RestTableUpdate = { action: string; [k: string]: unknown };
export type RestTableRequirement = { type: string; [k: string]: unknown };

export interface IcebergClientOptions {
  /** Server root, e.g. `http://127.0.0.1:8181`. */
  server: string;
  /** Data branch or tag; default `main`. */
  ref?: string;
  headers?: Record<string, string>;
  /** For a catalog with auth on; default: `defaultCredentials(server)` (environment, else saved by `rat login`). */
  credentials?: CatalogCredentials;
}

/** Joins a namespace for a URL path with the spec's unit separator. */
export function encodeNamespace(ns: string[]): string {
  return encodeURIComponent(ns.join('\x1f'));
}

/**
 * A typed client for the Iceberg REST catalog served at `/iceberg/<ref>`. 64-bit ids are kept exact (`bigint`).
 *
 * @example
 * const c = new IcebergRestClient({ server: 'http://127.0.0.1:8181', ref: 'dev' });
 * const t = await c.loadTable({ namespace: ['bronze'], name: 'orders' });
 */
export class IcebergRestClient {
  readonly baseUrl: string;
  private prefix: string | undefined;
  private configLoaded = false;
  private readonly loads = new LoadCache<LoadTableResult>();

  constructor(private readonly opts: IcebergClientOptions) {
    const root = opts.server.replace(/\/+$/, '');
    this.baseUrl = opts.ref ? `${root}/iceberg/${encodeURIComponent(opts.ref)}` : `${root}/iceberg`;
  }

  /** The server and credentials this client authenticates with (for requests outside its REST paths: S3 signing). */
  get auth(): CatalogAuth {
    return { server: this.opts.server, credentials: this.opts.credentials ?? defaultCredentials(this.opts.server) };
  }

  /** The same client on another ref. */
  withRef(ref: string): IcebergRestClient {
    return new IcebergRestClient({ ...this.opts, ref });
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; etag?: string }> {
    const url = `${this.baseUrl}${path}`;
    let res: JsonExchange;
    try {
      res = await exchangeJson(method, url, {
        headers: headers ? { ...this.opts.headers, ...headers } : this.opts.headers,
        auth: this.auth,
        body: body === undefined ? undefined : stringifyJson(body),
        parse: parseJson,
      });
    } catch (err) {
      if (!(err instanceof NoResponseError)) throw err;
      throw new IcebergRestError(0, 'ConnectionError', err.message, method, url);
    }
    if (res.status === 304) return { status: 304, body: null as T, etag: res.etag };
    if (!res.ok) {
      const e = (res.body as { error?: { message?: string; type?: string } } | null)?.error;
      throw new IcebergRestError(
        res.status,
        e?.type ?? 'HttpError',
        e?.message ?? (typeof res.body === 'string' ? res.body : res.statusText),
        method,
        url,
      );
    }
    return { status: res.status, body: res.body as T, etag: res.etag };
  }

  private async v1(path: string): Promise<string> {
    if (!this.configLoaded) await this.getConfig();
    return this.prefix ? `/v1/${encodeURIComponent(this.prefix)}${path}` : `/v1${path}`;
  }

  /** `GET /v1/config`; remembers the server's `prefix`. */
  async getConfig(): Promise<{ defaults: Record<string, string>; overrides: Record<string, string> }> {
    const { body } = await this.request<{ defaults?: Record<string, string>; overrides?: Record<string, string> }>(
      'GET',
      '/v1/config',
    );
    this.prefix = body.overrides?.prefix ?? body.defaults?.prefix;
    this.configLoaded = true;
    return { defaults: body.defaults ?? {}, overrides: body.overrides ?? {} };
  }

  async listNamespaces(parent?: string[]): Promise<string[][]> {
    const q = parent ? `?parent=${encodeNamespace(parent)}` : '';
    const out: string[][] = [];
    let token: string | undefined;
    do {
      const sep = q ? '&' : '?';
      const page = token ? `${q}${sep}pageToken=${encodeURIComponent(token)}` : q;
      const { body } = await this.request<{ namespaces: string[][]; 'next-page-token'?: string | null }>(
        'GET',
        await this.v1(`/namespaces${page}`),
      );
      out.push(...body.namespaces);
      token = body['next-page-token'] ?? undefined;
    } while (token);
    return out;
  }

  async namespaceExists(ns: string[]): Promise<boolean> {
    try {
      await this.request('GET', await this.v1(`/namespaces/${encodeNamespace(ns)}`));
      return true;
    } catch (err) {
      if (err instanceof IcebergRestError && err.isNotFound) return false;
      throw err;
    }
  }

  async createNamespace(ns: string[], properties: Record<string, string> = {}): Promise<void> {
    await this.request('POST', await this.v1('/namespaces'), { namespace: ns, properties });
  }

  /** Creates the namespace unless it exists (a concurrent create is fine). */
  async ensureNamespace(ns: string[]): Promise<void> {
    if (await this.namespaceExists(ns)) return;
    try {
      await this.createNamespace(ns);
    } catch (err) {
      if (!(err instanceof IcebergRestError && err.isConflict)) throw err;
    }
  }

  async listTables(ns: string[]): Promise<TableIdent[]> {
    const out: TableIdent[] = [];
    let token: string | undefined;
    do {
      const page = token ? `?pageToken=${encodeURIComponent(token)}` : '';
      const { body } = await this.request<{ identifiers: TableIdent[]; 'next-page-token'?: string | null }>(
        'GET',
        await this.v1(`/namespaces/${encodeNamespace(ns)}/tables${page}`),
      );
      out.push(...body.identifiers);
      token = body['next-page-token'] ?? undefined;
    } while (token);
    return out;
  }

  private tablePath(t: TableIdent): Promise<string> {
    return this.v1(`/namespaces/${encodeNamespace(t.namespace)}/tables/${encodeURIComponent(t.name)}`);
  }

  private static async toLoadResult(body: Record<string, unknown>): Promise<LoadTableResult> {
    const { parseTableMetadata } = await tableModel();
    return {
      'metadata-location': (body['metadata-location'] as string | undefined) ?? null,
      metadata: parseTableMetadata(body.metadata),
      config: (body.config as Record<string, string> | undefined) ?? {},
    };
  }

  /** The table; a repeated load of an unchanged table reuses the answer parsed before (see {@link LoadCache}). */
  async loadTable(t: TableIdent): Promise<LoadTableResult> {
    const path = await this.tablePath(t);
    const etag = this.loads.etagFor(path);
    const res = await this.request<Record<string, unknown>>(
      'GET',
      path,
      undefined,
      etag ? { 'if-none-match': etag } : {},
    );
    const kept = res.status === 304 ? this.loads.reuse(path) : undefined;
    if (kept) return kept;
    // A 304 whose answer concurrent loads of many other tables evicted meanwhile: load it whole.
    const loaded = res.status === 304 ? await this.request<Record<string, unknown>>('GET', path) : res;
    const { deepFreeze } = await tableModel();
    const result = deepFreeze(await IcebergRestClient.toLoadResult(loaded.body));
    this.loads.keep(path, loaded.etag, result);
    return result;
  }

  /** `null` when the table does not exist. */
  async tryLoadTable(t: TableIdent): Promise<LoadTableResult | null> {
    try {
      return await this.loadTable(t);
    } catch (err) {
      if (err instanceof IcebergRestError && err.isNotFound) return null;
      throw err;
    }
  }

  async createTable(ns: string[], req: CreateTableRequest): Promise<LoadTableResult> {
    const { body } = await this.request<Record<string, unknown>>(
      'POST',
      await this.v1(`/namespaces/${encodeNamespace(ns)}/tables`),
      req,
    );
    return await IcebergRestClient.toLoadResult(body);
  }

  /** `POST …/tables/{table}`: a 409 `IcebergRestError` means a requirement failed (rebase and retry). */
  async commitTable(
    t: TableIdent,
    requirements: RestTableRequirement[],
    updates: RestTableUpdate[],
  ): Promise<{ 'metadata-location': string; metadata: TableMetadata }> {
    const { body } = await this.request<Record<string, unknown>>('POST', await this.tablePath(t), {
      identifier: t,
      requirements,
      updates,
    });
    const { parseTableMetadata } = await tableModel();
    return {
      'metadata-location': body['metadata-location'] as string,
      metadata: parseTableMetadata(body.metadata),
    };
  }

  async dropTable(t: TableIdent, purge = false): Promise<void> {
    await this.request('DELETE', `${await this.tablePath(t)}${purge ? '?purgeRequested=true' : ''}`);
  }
}
