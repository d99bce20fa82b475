/**
 * Every Iceberg REST endpoint this catalog implements, in the spec's "<VERB> <path>" form for `GET /v1/config`.
 * Clients decide what to call from this list (DuckDB routes writes through transactions/commit when it is present,
 * Spark posts metrics reports when metrics is), so it lists exactly what the router serves.
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
  'POST /v1/{prefix}/namespaces/{namespace}/register',
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
