import { z } from 'zod';

/**
 * Zod schemas of the building blocks shared by table metadata, view metadata and REST requests. Objects are "loose":
 * fields this catalog does not interpret (doc strings, defaults, v3 additions) are kept and written back unchanged.
 */

/** An int64 (snapshot ids are random 63-bit values); always a `bigint` after parsing so comparisons are exact. */
export const long = z.union([z.bigint(), z.number().int()]).transform((v) => BigInt(v));

/** Clients occasionally send numbers or booleans as property values; Iceberg properties are strings. */
export const propertyValue = z.union([z.string(), z.number(), z.boolean(), z.bigint()]).transform((v) => String(v));
export const properties = z.record(z.string(), propertyValue);

/**
 * Optional strings that clients send as `null` (`doc`, `default-catalog`) are left out instead: the spec types them
 * as strings, and readers that validate responses against it refuse a `null`.
 */
const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined)
  .optional();

/** Drops `doc: null` from the fields of nested struct, list and map types, which zod sees as opaque `type` values. */
function withoutNullDocs(type: unknown): unknown {
  if (Array.isArray(type)) return type.map(withoutNullDocs);
  if (!type || typeof type !== 'object') return type;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(type)) {
    if (k === 'doc' && v === null) continue;
    out[k] = withoutNullDocs(v);
  }
  return out;
}

export const nestedField = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  type: z.unknown().transform(withoutNullDocs),
  required: z.boolean(),
  doc: optionalString,
});

export const schema = z.looseObject({
  type: z.literal('struct').default('struct'),
  'schema-id': z.number().int().optional(),
  'identifier-field-ids': z.array(z.number().int()).optional(),
  fields: z.array(nestedField),
});
export type SchemaInput = z.output<typeof schema>;
/** A schema as stored in metadata: its id is always set. */
export type Schema = SchemaInput & { 'schema-id': number };

export const partitionField = z.looseObject({
  'field-id': z.number().int().optional(),
  'source-id': z.number().int(),
  name: z.string(),
  transform: z.string(),
});
export const partitionSpec = z.looseObject({
  'spec-id': z.number().int().optional(),
  fields: z.array(partitionField),
});
export type PartitionSpecInput = z.output<typeof partitionSpec>;
export type PartitionField = z.output<typeof partitionField> & { 'field-id': number };
export interface PartitionSpec {
  [extra: string]: unknown;
  'spec-id': number;
  fields: PartitionField[];
}

export const sortField = z.looseObject({
  'source-id': z.number().int(),
  transform: z.string(),
  direction: z.enum(['asc', 'desc']),
  'null-order': z.enum(['nulls-first', 'nulls-last']),
});
export const sortOrder = z.looseObject({
  'order-id': z.number().int().optional(),
  fields: z.array(sortField),
});
export type SortOrderInput = z.output<typeof sortOrder>;
export type SortOrder = SortOrderInput & { 'order-id': number };

export const snapshot = z.looseObject({
  'snapshot-id': long,
  'parent-snapshot-id': long.nullish(),
  'sequence-number': z.number().int().optional(),
  'timestamp-ms': z.number().int(),
  'manifest-list': z.string().optional(),
  summary: z.record(z.string(), propertyValue).default({ operation: 'append' }),
  'schema-id': z.number().int().optional(),
});
export type Snapshot = z.output<typeof snapshot>;

export const snapshotRef = z.looseObject({
  type: z.enum(['branch', 'tag']),
  'snapshot-id': long,
  'max-ref-age-ms': z.number().int().nullish(),
  'max-snapshot-age-ms': z.number().int().nullish(),
  'min-snapshots-to-keep': z.number().int().nullish(),
});
export type SnapshotRef = z.output<typeof snapshotRef>;

export const snapshotLogEntry = z.looseObject({ 'snapshot-id': long, 'timestamp-ms': z.number().int() });
export type SnapshotLogEntry = z.output<typeof snapshotLogEntry>;

export const metadataLogEntry = z.looseObject({ 'metadata-file': z.string(), 'timestamp-ms': z.number().int() });
export type MetadataLogEntry = z.output<typeof metadataLogEntry>;

export const blobMetadata = z.looseObject({
  type: z.string(),
  'snapshot-id': long,
  'sequence-number': z.number().int(),
  fields: z.array(z.number().int()),
});

export const statisticsFile = z.looseObject({
  'snapshot-id': long,
  'statistics-path': z.string(),
  'file-size-in-bytes': z.number().int(),
  'file-footer-size-in-bytes': z.number().int(),
  'blob-metadata': z.array(blobMetadata).default([]),
});
export type StatisticsFile = z.output<typeof statisticsFile>;

export const partitionStatisticsFile = z.looseObject({
  'snapshot-id': long,
  'statistics-path': z.string(),
  'file-size-in-bytes': z.number().int(),
});
export type PartitionStatisticsFile = z.output<typeof partitionStatisticsFile>;

export const encryptedKey = z.looseObject({
  'key-id': z.string(),
  'encrypted-key-metadata': z.string(),
});
export type EncryptedKey = z.output<typeof encryptedKey>;

export const namespace = z.array(z.string());

export const tableIdentifier = z.object({ namespace, name: z.string() });
export type TableIdentifier = z.output<typeof tableIdentifier>;

export const sqlViewRepresentation = z.looseObject({ type: z.string(), sql: z.string(), dialect: z.string() });

export const viewVersion = z.looseObject({
  'version-id': z.number().int(),
  'timestamp-ms': z.number().int(),
  'schema-id': z.number().int(),
  summary: z.record(z.string(), propertyValue).default({}),
  representations: z.array(sqlViewRepresentation),
  'default-catalog': optionalString,
  'default-namespace': namespace,
});
export type ViewVersion = z.output<typeof viewVersion>;
