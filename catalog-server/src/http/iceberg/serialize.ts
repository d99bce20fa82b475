import { tableMetadataToJson, type TableMetadata, type ViewMetadata } from '@ratatouille/iceberg';

/**
 * Table metadata for a loadTable answer. `refs` mode keeps only the snapshots a branch or tag points at (clients
 * that load lazily ask for that); `all` (the default) returns the full history, which time travel and `$snapshots`
 * need.
 */
export function tableMetadataFor(md: TableMetadata, snapshots: 'all' | 'refs'): Record<string, unknown> {
  if (snapshots === 'all') return tableMetadataToJson(md);
  const referenced = new Set(Object.values(md.refs).map((r) => r['snapshot-id']));
  return tableMetadataToJson({ ...md, snapshots: md.snapshots.filter((s) => referenced.has(s['snapshot-id'])) });
}

/** The LoadTableResult body. */
export function loadTableResult(
  metadataLocation: string | null,
  md: TableMetadata,
  config: Record<string, string>,
  credentials: Array<{ prefix: string; config: Record<string, string> }>,
  snapshots: 'all' | 'refs' = 'all',
): Record<string, unknown> {
  return {
    'metadata-location': metadataLocation,
    metadata: tableMetadataFor(md, snapshots),
    config,
    ...(credentials.length > 0 ? { 'storage-credentials': credentials } : {}),
  };
}

/** The UnregisterTableResult body: what another catalog registers. */
export function unregisterTableResult(metadataLocation: string, md: TableMetadata): Record<string, unknown> {
  return { 'metadata-location': metadataLocation, metadata: tableMetadataToJson(md) };
}

/** The LoadViewResult body. */
export function loadViewResult(metadataLocation: string, md: ViewMetadata): Record<string, unknown> {
  return { 'metadata-location': metadataLocation, metadata: md, config: {} };
}
