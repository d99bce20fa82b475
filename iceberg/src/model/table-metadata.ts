import { z } from 'zod';
import {
  encryptedKey,
  long,
  metadataLogEntry,
  partitionSpec,
  partitionStatisticsFile,
  properties,
  schema,
  snapshot,
  snapshotLogEntry,
  snapshotRef,
  sortOrder,
  statisticsFile,
  type EncryptedKey,
  type MetadataLogEntry,
  type PartitionSpec,
  type PartitionStatisticsFile,
  type Schema,
  type Snapshot,
  type SnapshotLogEntry,
  type SnapshotRef,
  type SortOrder,
  type StatisticsFile,
} from './parts.ts';
import { highestFieldId } from './schema-utils.ts';
import { rememberParsedHistory, restoreParsedHistory, withoutParsedHistory } from './parsed-history.ts';
import { InvalidMetadataError } from '../errors/index.ts';

/** Partition field ids start at 1000 (the spec reserves lower ids), so an empty table's last one is 999. */
export const PARTITION_DATA_ID_START = 1000;

/**
 * Table metadata in the catalog's normalized (v2-shaped) form, whatever format version it was read from. Keys are
 * the JSON names of the spec so that reading, applying updates and writing need no mapping layer.
 */
export interface TableMetadata {
  'format-version': 1 | 2 | 3;
  'table-uuid': string;
  location: string;
  'last-sequence-number': number;
  'last-updated-ms': number;
  'last-column-id': number;
  schemas: Schema[];
  'current-schema-id': number;
  'partition-specs': PartitionSpec[];
  'default-spec-id': number;
  'last-partition-id': number;
  'sort-orders': SortOrder[];
  'default-sort-order-id': number;
  properties: Record<string, string>;
  /** `null` when the table has no current snapshot; written as -1 as the Java library does. */
  'current-snapshot-id': bigint | null;
  snapshots: Snapshot[];
  refs: Record<string, SnapshotRef>;
  'snapshot-log': SnapshotLogEntry[];
  'metadata-log': MetadataLogEntry[];
  statistics: StatisticsFile[];
  'partition-statistics': PartitionStatisticsFile[];
  'next-row-id'?: number;
  'encryption-keys'?: EncryptedKey[];
  /** Fields this catalog does not interpret, kept so that nothing a client wrote is lost. */
  [extra: string]: unknown;
}

const rawTableMetadata = z.looseObject({
  'format-version': z.union([z.literal(1), z.literal(2), z.literal(3)]),
  'table-uuid': z.string().optional(),
  location: z.string(),
  'last-sequence-number': z.number().int().optional(),
  'last-updated-ms': z.number().int(),
  'last-column-id': z.number().int(),
  schema: schema.optional(),
  schemas: z.array(schema).optional(),
  'current-schema-id': z.number().int().optional(),
  'partition-spec': z.array(z.looseObject({})).optional(),
  'partition-specs': z.array(partitionSpec).optional(),
  'default-spec-id': z.number().int().optional(),
  'last-partition-id': z.number().int().optional(),
  'sort-orders': z.array(sortOrder).optional(),
  'default-sort-order-id': z.number().int().optional(),
  properties: properties.nullish(),
  'current-snapshot-id': long.nullish(),
  snapshots: z.array(snapshot).nullish(),
  refs: z.record(z.string(), snapshotRef).nullish(),
  'snapshot-log': z.array(snapshotLogEntry).nullish(),
  'metadata-log': z.array(metadataLogEntry).nullish(),
  statistics: z.array(statisticsFile).nullish(),
  'partition-statistics': z.array(partitionStatisticsFile).nullish(),
  'next-row-id': z.number().int().optional(),
  'encryption-keys': z.array(encryptedKey).optional(),
});

/**
 * Reads table metadata JSON (already parsed with `parseJson`) of format version 1, 2 or 3 into the normalized form:
 * v1's single `schema`/`partition-spec` become lists, missing ids get their defaults, a current snapshot without a
 * `main` ref gets one.
 *
 * @example parseTableMetadata(parseJson(await io.read(location)))
 */
export function parseTableMetadata(json: unknown): TableMetadata {
  const history = withoutParsedHistory(json);
  const r = rawTableMetadata.safeParse(history.input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new InvalidMetadataError(`Not valid Iceberg table metadata: ${issues}`);
  }
  const m = r.data;
  restoreParsedHistory(history, m as Record<string, unknown>);
  const {
    schema: legacySchema,
    'partition-spec': legacySpec,
    schemas: rawSchemas,
    'partition-specs': rawSpecs,
    ...rest
  } = m;

  let schemasIn = rawSchemas ?? [];
  if (schemasIn.length === 0 && legacySchema) schemasIn = [legacySchema];
  if (schemasIn.length === 0) throw new InvalidMetadataError('Table metadata has no schema.');
  const schemas: Schema[] = schemasIn.map((s) => ({ ...s, 'schema-id': s['schema-id'] ?? 0 }));
  const currentSchemaId = m['current-schema-id'] ?? schemas[0]['schema-id'];

  let specsIn = rawSpecs ?? [];
  if (specsIn.length === 0) specsIn = [{ 'spec-id': 0, fields: (legacySpec ?? []) as PartitionSpec['fields'] }];
  let nextFieldId = PARTITION_DATA_ID_START;
  const specs: PartitionSpec[] = specsIn.map((s) => ({
    ...s,
    'spec-id': s['spec-id'] ?? 0,
    fields: s.fields.map((f) => ({ ...f, 'field-id': f['field-id'] ?? nextFieldId++ })),
  }));
  const maxPartitionField = Math.max(
    PARTITION_DATA_ID_START - 1,
    ...specs.flatMap((s) => s.fields.map((f) => f['field-id'])),
  );

  const orders: SortOrder[] = (m['sort-orders'] ?? []).map((o) => ({ ...o, 'order-id': o['order-id'] ?? 0 }));
  if (orders.length === 0) orders.push({ 'order-id': 0, fields: [] });

  const current = m['current-snapshot-id'] ?? null;
  const refs: Record<string, SnapshotRef> = { ...(m.refs ?? {}) };
  if (current !== null && current !== -1n && !refs['main']) refs['main'] = { type: 'branch', 'snapshot-id': current };

  const out: TableMetadata = {
    ...rest,
    'format-version': m['format-version'],
    'table-uuid': m['table-uuid'] ?? crypto.randomUUID(),
    location: m.location,
    'last-sequence-number': m['last-sequence-number'] ?? 0,
    'last-updated-ms': m['last-updated-ms'],
    'last-column-id': Math.max(m['last-column-id'], 0),
    schemas,
    'current-schema-id': currentSchemaId,
    'partition-specs': specs,
    'default-spec-id': m['default-spec-id'] ?? specs[0]['spec-id'],
    'last-partition-id': Math.max(m['last-partition-id'] ?? maxPartitionField, maxPartitionField),
    'sort-orders': orders,
    'default-sort-order-id': m['default-sort-order-id'] ?? orders[0]['order-id'],
    properties: m.properties ?? {},
    'current-snapshot-id': current === -1n ? null : current,
    snapshots: m.snapshots ?? [],
    refs,
    'snapshot-log': m['snapshot-log'] ?? [],
    'metadata-log': m['metadata-log'] ?? [],
    statistics: m.statistics ?? [],
    'partition-statistics': m['partition-statistics'] ?? [],
  };
  rememberParsedHistory(history, out);
  return out;
}

/**
 * The JSON object to write for a table's metadata (serialize it with `stringifyJson` to keep ids exact). v1 tables
 * also get the legacy `schema` and `partition-spec` fields that v1 readers require.
 */
export function tableMetadataToJson(md: TableMetadata): Record<string, unknown> {
  const { 'current-snapshot-id': current, ...rest } = md;
  const out: Record<string, unknown> = {
    'format-version': md['format-version'],
    'table-uuid': md['table-uuid'],
    location: md.location,
    'last-sequence-number': md['last-sequence-number'],
    'last-updated-ms': md['last-updated-ms'],
    'last-column-id': md['last-column-id'],
    'current-schema-id': md['current-schema-id'],
    schemas: md.schemas,
    'default-spec-id': md['default-spec-id'],
    'partition-specs': md['partition-specs'],
    'last-partition-id': md['last-partition-id'],
    'default-sort-order-id': md['default-sort-order-id'],
    'sort-orders': md['sort-orders'],
    properties: md.properties,
    'current-snapshot-id': current ?? -1,
  };
  for (const [k, v] of Object.entries(rest)) if (!(k in out)) out[k] = v;
  if (md['format-version'] === 1) {
    out['schema'] = md.schemas.find((s) => s['schema-id'] === md['current-schema-id']) ?? md.schemas[0];
    out['partition-spec'] =
      (md['partition-specs'].find((s) => s['spec-id'] === md['default-spec-id']) ?? md['partition-specs'][0])?.fields ??
      [];
  }
  return out;
}

/**
 * The starting point of a create transaction: a table with nothing in it yet. The client's updates (assign-uuid,
 * add-schema, set-current-schema -1, add-spec, ...) fill it; `finishNewTable` then adds the unpartitioned spec and
 * unsorted order when the client sent none.
 */
export function emptyTableMetadata(now: number): TableMetadata {
  return {
    'format-version': 2,
    'table-uuid': '',
    location: '',
    'last-sequence-number': 0,
    'last-updated-ms': now,
    'last-column-id': 0,
    schemas: [],
    'current-schema-id': -1,
    'partition-specs': [],
    'default-spec-id': -1,
    'last-partition-id': PARTITION_DATA_ID_START - 1,
    'sort-orders': [],
    'default-sort-order-id': -1,
    properties: {},
    'current-snapshot-id': null,
    snapshots: [],
    refs: {},
    'snapshot-log': [],
    'metadata-log': [],
    statistics: [],
    'partition-statistics': [],
  };
}

/** Fills what a new table must have and the client may leave out; throws if it still has no schema or location. */
export function finishNewTable(md: TableMetadata): TableMetadata {
  if (md.schemas.length === 0 || md['current-schema-id'] < 0) {
    throw new InvalidMetadataError('A new table needs a schema (add-schema and set-current-schema).');
  }
  if (!md.location) throw new InvalidMetadataError('A new table needs a location.');
  const out = { ...md };
  if (!out['table-uuid']) out['table-uuid'] = crypto.randomUUID();
  if (out['partition-specs'].length === 0) out['partition-specs'] = [{ 'spec-id': 0, fields: [] }];
  if (out['default-spec-id'] < 0) out['default-spec-id'] = out['partition-specs'][0]['spec-id'];
  if (out['sort-orders'].length === 0) out['sort-orders'] = [{ 'order-id': 0, fields: [] }];
  if (out['default-sort-order-id'] < 0) out['default-sort-order-id'] = out['sort-orders'][0]['order-id'];
  out['last-column-id'] = Math.max(out['last-column-id'], ...out.schemas.map(highestFieldId));
  if (out['format-version'] >= 3 && out['next-row-id'] === undefined) out['next-row-id'] = 0;
  return out;
}

/** The snapshot a table's `main` branch points at, if any. */
export function currentSnapshot(md: TableMetadata): Snapshot | undefined {
  const id = md['current-snapshot-id'];
  return id === null ? undefined : md.snapshots.find((s) => s['snapshot-id'] === id);
}
