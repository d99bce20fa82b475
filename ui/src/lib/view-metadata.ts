/**
 * The parts of Iceberg view metadata the UI shows (view spec v1), as the REST catalog returns them, and the pure
 * reading of them: which version is current, its SQL by dialect, and the version history newest first.
 */
import type { Id, SchemaView } from './table-metadata.ts';

export interface ViewRepresentationView {
  type: string;
  sql?: string;
  dialect?: string;
}

export interface ViewVersionView {
  'version-id': number;
  'timestamp-ms': Id;
  'schema-id': number;
  summary?: Record<string, string>;
  representations: ViewRepresentationView[];
  'default-namespace'?: string[];
  'default-catalog'?: string;
}

export interface ViewMetadataView {
  'view-uuid': string;
  'format-version': number;
  location: string;
  'current-version-id': number;
  versions: ViewVersionView[];
  'version-log'?: Array<{ 'version-id': number; 'timestamp-ms': Id }>;
  schemas: SchemaView[];
  properties?: Record<string, string>;
}

/** The version `current-version-id` names; undefined only for metadata that breaks the spec. */
export function currentViewVersion(md: ViewMetadataView): ViewVersionView | undefined {
  return md.versions.find((v) => v['version-id'] === md['current-version-id']);
}

/** The schema a version was defined with. */
export function versionSchema(md: ViewMetadataView, v: ViewVersionView | undefined): SchemaView | undefined {
  return v ? md.schemas.find((s) => s['schema-id'] === v['schema-id']) : undefined;
}

/**
 * The SQL representations of a version (of a view, or of a function's definition), one per dialect (the specs allow
 * one each), dialects in name order.
 */
export function sqlByDialect(
  v: { representations: ViewRepresentationView[] } | undefined,
): Array<{ dialect: string; sql: string }> {
  return (v?.representations ?? [])
    .filter((r) => r.type === 'sql' && typeof r.sql === 'string')
    .map((r) => ({ dialect: r.dialect ?? '', sql: r.sql! }))
    .sort((a, b) => a.dialect.localeCompare(b.dialect));
}

/** The dialects a version's SQL is written in, as one line: `spark, trino`. */
export function dialectsText(v: { representations: ViewRepresentationView[] } | undefined): string {
  return sqlByDialect(v)
    .map((r) => r.dialect)
    .join(', ');
}

/**
 * Every version the metadata keeps, newest first: by timestamp, then by version id (a writer may produce two versions
 * in one millisecond). Versions expired from the metadata are gone from the history too.
 */
export function versionsNewestFirst(md: ViewMetadataView): ViewVersionView[] {
  return newestFirst(md.versions);
}

/** Versions (of a view, or of a function's definition) by timestamp, newest first, then by version id. */
export function newestFirst<V extends { 'version-id': number; 'timestamp-ms': Id }>(versions: readonly V[]): V[] {
  return [...versions].sort(
    (a, b) => Number(b['timestamp-ms']) - Number(a['timestamp-ms']) || b['version-id'] - a['version-id'],
  );
}

/** The engine that wrote a version, as its summary says (`engine-name` and `engine-version`), or ''. */
export function versionEngine(v: ViewVersionView): string {
  const s = v.summary ?? {};
  return [s['engine-name'], s['engine-version']].filter(Boolean).join(' ');
}
