/*
 * The server's settings that describe it without starting it: which environment variables `rat serve` and the docker
 * image read, and the defaults. Apart from server.ts (and exported as `@ratatouille/catalog-server/settings`) so that
 * `rat serve --help` and `rat --help` list them without loading the whole server.
 */

/** Server settings as read from the environment (`RAT_*`), for `rat serve` and the docker image. */
export const SERVER_ENV = {
  host: 'RAT_HOST',
  port: 'RAT_PORT',
  dataDir: 'RAT_DATA_DIR',
  store: 'RAT_STORE',
  storePoolSize: 'RAT_STORE_POOL_SIZE',
  storeQueryTimeout: 'RAT_STORE_QUERY_TIMEOUT',
  warehouse: 'RAT_WAREHOUSE',
  warehouses: 'RAT_WAREHOUSES',
  webhookSecret: 'RAT_WEBHOOK_SECRET',
  allowedLocations: 'RAT_ALLOWED_LOCATIONS',
  keepHistory: 'RAT_KEEP_HISTORY',
  metadataRecheck: 'RAT_METADATA_RECHECK',
  manifestCacheMb: 'RAT_MANIFEST_CACHE_MB',
  rowDiffMaxRows: 'RAT_ROW_DIFF_MAX_ROWS',
  logLevel: 'RAT_LOG_LEVEL',
  auth: 'RAT_AUTH_CONFIG',
  insecureNoAuth: 'RAT_INSECURE_NO_AUTH',
} as const;

/** Where `rat serve` listens and keeps its state unless told otherwise. */
export const SERVER_DEFAULTS = { host: '127.0.0.1', port: 8181, dataDir: '.rat' } as const;
