import { z } from 'zod';
import { properties, schema, viewVersion, type Schema, type ViewVersion } from './parts.ts';
import { InvalidMetadataError } from '../errors/index.ts';

/** View metadata (format version 1), keyed by the spec's JSON names. */
export interface ViewMetadata {
  'view-uuid': string;
  'format-version': 1;
  location: string;
  'current-version-id': number;
  versions: ViewVersion[];
  'version-log': Array<{ 'version-id': number; 'timestamp-ms': number }>;
  schemas: Schema[];
  properties: Record<string, string>;
  [extra: string]: unknown;
}

const rawViewMetadata = z.looseObject({
  'view-uuid': z.string(),
  'format-version': z.literal(1),
  location: z.string(),
  'current-version-id': z.number().int(),
  versions: z.array(viewVersion),
  'version-log': z.array(z.looseObject({ 'version-id': z.number().int(), 'timestamp-ms': z.number().int() })),
  schemas: z.array(schema),
  properties: properties.nullish(),
});

/** Reads view metadata JSON (parsed with `parseJson`). */
export function parseViewMetadata(json: unknown): ViewMetadata {
  const r = rawViewMetadata.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new InvalidMetadataError(`Not valid Iceberg view metadata: ${issues}`);
  }
  return {
    ...r.data,
    schemas: r.data.schemas.map((s) => ({ ...s, 'schema-id': s['schema-id'] ?? 0 })),
    properties: r.data.properties ?? {},
  };
}

/** The starting point of a new view; `create-view` updates fill it. */
export function emptyViewMetadata(): ViewMetadata {
  return {
    'view-uuid': '',
    'format-version': 1,
    location: '',
    'current-version-id': -1,
    versions: [],
    'version-log': [],
    schemas: [],
    properties: {},
  };
}

/** The view's current version. */
export function currentViewVersion(md: ViewMetadata): ViewVersion | undefined {
  return md.versions.find((v) => v['version-id'] === md['current-version-id']);
}
