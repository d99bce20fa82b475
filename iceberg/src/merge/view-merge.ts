import type { ViewMetadata } from '../model/view-metadata.ts';
import { canonical } from '../model/schema-utils.ts';

/**
 * What a view shows readers: its current version's SQL representations, default namespace and catalog, the columns
 * of that version's schema, and the view's properties. Version ids, timestamps, summaries and the history differ
 * between two branches that made the same change and do not count.
 */
function definition(md: ViewMetadata): string {
  const v = md.versions.find((x) => x['version-id'] === md['current-version-id']);
  const schema = md.schemas.find((s) => s['schema-id'] === v?.['schema-id']);
  return canonical({
    representations: v?.representations ?? null,
    namespace: v?.['default-namespace'] ?? null,
    catalog: v?.['default-catalog'] ?? null,
    fields: schema?.fields ?? null,
    identifiers: (schema as { 'identifier-field-ids'?: unknown } | undefined)?.['identifier-field-ids'] ?? null,
    properties: md.properties,
  });
}

/**
 * Whether two versions of one view (same `view-uuid`) define it the same way, so that a merge of branches that both
 * changed it identically keeps the target's and does not report a conflict.
 *
 * @example sameViewDefinition(onMain, onFeature) // → true when both replaced it with the same SELECT
 */
export function sameViewDefinition(a: ViewMetadata, b: ViewMetadata): boolean {
  return a['view-uuid'] === b['view-uuid'] && definition(a) === definition(b);
}
