import type { AppContext } from '../../app-context.ts';
import { BadRequestError } from '../../errors/index.ts';
import { DEFAULT_WAREHOUSE_NAME } from '../../warehouse/registry.ts';

/**
 * Every Iceberg REST endpoint this catalog implements, in the spec's "<VERB> <path>" form for `GET /v1/config`.
 * Clients decide what to call from this list (DuckDB routes writes through transactions/commit when it is present,
 * Spark posts metrics reports when metrics is), so it lists exactly what the router serves. One exception: S3 remote
 * signing's `POST …/tables/{table}/sign` is not listed, because it signs only for tables on an S3 warehouse whose
 * policy is `remote-signing` (elsewhere it refuses), and clients learn it from each table's config, not from here.
 */
export const ICEBERG_ENDPOINTS: readonly string[] = [
  'GET /v1/{prefix}/namespaces',
  'POST /v1/{prefix}/namespaces',
  'GET /v1/{prefix}/namespaces/{namespace}',
  'HEAD /v1/{prefix}/namespaces/{namespace}',
  'DELETE /v1/{prefix}/namespaces/{namespace}',
  'POST /v1/{prefix}/namespaces/{namespace}/properties',
  'GET /v1/{prefix}/namespaces/{namespace}/tables',
  'POST /v1/{prefix}/namespaces/{namespace}/tables',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/credentials',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/tasks',
  'POST /v1/{prefix}/namespaces/{namespace}/register',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/unregister',
  'POST /v1/{prefix}/tables/rename',
  'POST /v1/{prefix}/transactions/commit',
  'GET /v1/{prefix}/namespaces/{namespace}/views',
  'POST /v1/{prefix}/namespaces/{namespace}/views',
  'GET /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'POST /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'POST /v1/{prefix}/views/rename',
  'POST /v1/{prefix}/namespaces/{namespace}/register-view',
  'GET /v1/{prefix}/namespaces/{namespace}/functions',
  'GET /v1/{prefix}/namespaces/{namespace}/functions/{function}',
];

/**
 * The `/v1/config` answer. The branch lives in the base URL, so the only `prefix` is a non-default warehouse's name; no `uri` override either
 * (clients keep the URL they were given, which is the right one even behind proxies). `idempotencyKeyLifetime`
 * (ISO-8601) is advertised when mutations honour `Idempotency-Key`; Java's client 1.11 then sends one.
 *
 * @example catalogConfig(undefined, 'PT30M') // { defaults: {}, overrides: {}, endpoints: [...], 'idempotency-key-lifetime': 'PT30M' }
 */
export function catalogConfig(
  prefix?: string,
  idempotencyKeyLifetime?: string,
): {
  defaults: Record<string, string>;
  overrides: Record<string, string>;
  endpoints: string[];
  'idempotency-key-lifetime'?: string;
} {
  return {
    defaults: {},
    overrides: prefix ? { prefix } : {},
    endpoints: [...ICEBERG_ENDPOINTS],
    ...(idempotencyKeyLifetime ? { 'idempotency-key-lifetime': idempotencyKeyLifetime } : {}),
  };
}

/**
 * The prefix for `/v1/config?warehouse=<name or root URI>`: the warehouse's name for a configured non-default one,
 * none for the default one. An unknown name is a 400 naming the known ones: taking it for the default warehouse
 * would put a client's tables where it did not ask (DuckDB sends its ATTACH string here, so a typo there lands here).
 *
 * @example warehousePrefix(ctx, 'lake') // 'lake' for a configured non-default warehouse
 */
export function warehousePrefix(
  ctx: Pick<AppContext, 'warehouses' | 'warehouse'>,
  requested: string | undefined,
): string | undefined {
  if (!requested) return undefined;
  for (const [name, w] of ctx.warehouses) {
    if (requested === name || requested.replace(/\/+$/, '') === w.root) {
      return w === ctx.warehouse ? undefined : name;
    }
  }
  const known = [...ctx.warehouses.keys()];
  throw new BadRequestError(
    `Unknown warehouse "${requested}": this catalog has ${known.map((n) => `"${n}"`).join(', ')}. Name one of them ` +
      `(in DuckDB: ATTACH '${DEFAULT_WAREHOUSE_NAME}' AS rat (TYPE iceberg, ENDPOINT '…/iceberg/<branch>', …)), or leave the ` +
      'warehouse out for the default one.',
    { warehouse: requested, known },
  );
}
