export { startServer } from './server.ts';
export { SERVER_ENV, SERVER_DEFAULTS } from './server-settings.ts';
export type { ServerOptions, RunningServer } from './server.ts';
export { createApp } from './app.ts';
export { LIMITS } from './limits.ts';
export { parseRetention } from './service/storage/retention.ts';
export type { AppContext } from './app-context.ts';
export { SqliteVersionStore } from './store/sqlite/sqlite-store.ts';
export { PostgresVersionStore } from './store/postgres/postgres-store.ts';
export { PostgresCodeLinks, PostgresIdempotency } from './store/postgres/pg-companions.ts';
export { DatabaseClock } from './store/postgres/pg-clock.ts';
export { CoreVersionStore } from './store/core/version-store.ts';
export { openCatalogDatabase, parseStoreLocation, redactStoreLocation } from './store/open-store.ts';
export type { CatalogDatabase, StoreLocation } from './store/open-store.ts';
export type * from './store/companions.ts';
export type * from './store/types.ts';
export * from './errors/index.ts';
export type { WarehouseIO } from './warehouse/warehouse-io.ts';
export { createWarehouseIO } from './warehouse/index.ts';
export {
  FileWarehouseIO,
  S3WarehouseIO,
  S3_ENV,
  STS_ENV,
  buildWarehouses,
  parseWarehousesConfig,
  resolveS3Settings,
  s3ClientConfig,
  vendedStorageCredentials,
  wantsVendedCredentials,
  DEFAULT_WAREHOUSE_NAME,
  type S3Options,
  type WarehouseConfig,
  type WarehousesConfig,
} from './warehouse/index.ts';
export { hashSecret, generateSecret } from './auth/secret.ts';
export { isLoopbackHost } from './auth/loopback.ts';
export {
  loadAuthConfig,
  parseAuthConfig,
  AuthConfigError,
  PERMISSIONS,
  type AuthConfig,
  type AuthConfigInput,
  type Permission,
} from './auth/config.ts';
export { copyCatalog, type CopyReport } from './store/copy-catalog.ts';
