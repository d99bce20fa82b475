/** Iceberg REST semantics over the versioned store: namespaces, tables, views, functions, commits, transactions. */
export type { CommitInfo } from './commit-info.ts';
export { catalogConfig, ICEBERG_ENDPOINTS, warehousePrefix } from './config.ts';
export { readRef, writableRef } from './refs.ts';
export {
  createNamespace,
  listNamespaces,
  loadNamespace,
  namespaceExists,
  dropNamespace,
  updateNamespaceProperties,
  type NamespaceVisibility,
} from './namespaces.ts';
export { createTable, dropTable, registerTable, renameObject } from './tables.ts';
export { unregisterTable } from './unregister.ts';
export { commitTable, commitTransaction } from './table-commits.ts';
export {
  loadTable,
  loadTableAnswer,
  tableExists,
  listObjects,
  tableETag,
  tableLocation,
  storageConfig,
  type LoadedTable,
} from './table-reads.ts';
export {
  tableStorage,
  tableCredentials,
  tableFolders,
  type CallerRights,
  type TableStorage,
} from './storage-access.ts';
export { createView, loadView, viewExists, commitView, dropView, registerView, type LoadedView } from './views.ts';
export { listFunctions, loadFunction, type LoadedFunction } from './functions.ts';
export { withCommitRetry, MAX_COMMIT_ATTEMPTS } from './retry.ts';
export { icebergMergeResolver } from './merge-resolver.ts';
