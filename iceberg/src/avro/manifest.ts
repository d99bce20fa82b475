import { avroForPrimitive, fromAvroValue, icebergTypeOfAvro, toAvroValue } from './avro-values.ts';
import { encodeOcf, openOcf, type Long } from './ocf.ts';
import type { IcebergPrimitiveValue } from './single-value.ts';

export { decimalBytes, decimalParams } from './avro-values.ts';

/** Content of a data or delete file (`data_file.content`). */
export const FileContent = { DATA: 0, POSITION_DELETES: 1, EQUALITY_DELETES: 2 } as const;
export type FileContent = (typeof FileContent)[keyof typeof FileContent];

/** `manifest_entry.status`. */
export const EntryStatus = { EXISTING: 0, ADDED: 1, DELETED: 2 } as const;
export type EntryStatus = (typeof EntryStatus)[keyof typeof EntryStatus];

/** A partition field as it appears in a manifest's partition tuple: its id, name and *result* type. */
export interface PartitionFieldType {
  fieldId: number;
  name: string;
  /** Iceberg primitive type of the transform's result, e.g. `int` for `day`, the source type for `identity`. */
  type: string;
}

export interface DataFile {
  content: FileContent;
  filePath: string;
  fileFormat: string;
  /** Partition values by partition field name; `null` for a null value. */
  partition: Record<string, IcebergPrimitiveValue | null>;
  recordCount: Long;
  fileSizeInBytes: Long;
  columnSizes?: Map<number, Long> | null;
  valueCounts?: Map<number, Long> | null;
  nullValueCounts?: Map<number, Long> | null;
  nanValueCounts?: Map<number, Long> | null;
  /** Single-value serialized bounds by field id. */
  lowerBounds?: Map<number, Uint8Array> | null;
  upperBounds?: Map<number, Uint8Array> | null;
  keyMetadata?: Uint8Array | null;
  splitOffsets?: Long[] | null;
  equalityIds?: number[] | null;
  sortOrderId?: number | null;
  /** v2 optional field 143: the data file a position delete file applies to. */
  referencedDataFile?: string | null;
  /** v3 field 142: the row id of the file's first row; null inherits it from the manifest list entry. */
  firstRowId?: Long | null;
  /** v3 fields 144/145: where a deletion vector sits in its Puffin file. */
  contentOffset?: Long | null;
  contentSizeInBytes?: Long | null;
}

export interface ManifestEntry {
  status: EntryStatus;
  /** `null` inherits the manifest's `added_snapshot_id` when read. */
  snapshotId: Long | null;
  /** Data sequence number; `null` inherits from the manifest list entry for ADDED entries. */
  sequenceNumber: Long | null;
  fileSequenceNumber: Long | null;
  dataFile: DataFile;
}

export interface ManifestMetadata {
  /** The table schema as Iceberg JSON (an object with `schema-id`, `type: "struct"`, `fields`). */
  schema: { 'schema-id'?: number; [k: string]: unknown };
  /** The partition spec as Iceberg JSON (`spec-id`, `fields`). */
  partitionSpec: { 'spec-id': number; fields: unknown[] };
  partitionType: PartitionFieldType[];
  content: 'data' | 'deletes';
  /** 3 writes the v3 entry fields (`first_row_id`, deletion vector offsets). */
  formatVersion?: 2 | 3;
}

const opt = (type: unknown) => ['null', type];

/** A record decoded with the file's own writer schema: its shape is only known at run time. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AvroRecord = Record<string, any>;

function mapOf(name: string, fieldId: number, keyId: number, valueId: number, valueType: string) {
  return {
    name,
    type: opt({
      type: 'array',
      logicalType: 'map',
      items: {
        type: 'record',
        name: `k${keyId}_v${valueId}`,
        fields: [
          { name: 'key', type: 'int', 'field-id': keyId },
          { name: 'value', type: valueType, 'field-id': valueId },
        ],
      },
    }),
    default: null,
    'field-id': fieldId,
  };
}

/** The v3 `data_file` fields: row lineage and deletion vectors. */
const V3_DATA_FILE_FIELDS = [
  { name: 'first_row_id', type: opt('long'), default: null, 'field-id': 142 },
  { name: 'content_offset', type: opt('long'), default: null, 'field-id': 144 },
  { name: 'content_size_in_bytes', type: opt('long'), default: null, 'field-id': 145 },
];

/** The Avro schema of a v2 (or v3) manifest file for a given partition type (spec: "Manifests"). */
export function manifestEntrySchema(partitionType: PartitionFieldType[], formatVersion: 2 | 3 = 2): unknown {
  const partition = {
    type: 'record',
    name: 'r102',
    fields: partitionType.map((f) => ({
      name: f.name,
      type: opt(avroForPrimitive(f.type, f.fieldId)),
      default: null,
      'field-id': f.fieldId,
    })),
  };
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      { name: 'snapshot_id', type: opt('long'), default: null, 'field-id': 1 },
      { name: 'sequence_number', type: opt('long'), default: null, 'field-id': 3 },
      { name: 'file_sequence_number', type: opt('long'), default: null, 'field-id': 4 },
      {
        name: 'data_file',
        'field-id': 2,
        type: {
          type: 'record',
          name: 'r2',
          fields: [
            { name: 'content', type: 'int', 'field-id': 134 },
            { name: 'file_path', type: 'string', 'field-id': 100 },
            { name: 'file_format', type: 'string', 'field-id': 101 },
            { name: 'partition', type: partition, 'field-id': 102 },
            { name: 'record_count', type: 'long', 'field-id': 103 },
            { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
            mapOf('column_sizes', 108, 117, 118, 'long'),
            mapOf('value_counts', 109, 119, 120, 'long'),
            mapOf('null_value_counts', 110, 121, 122, 'long'),
            mapOf('nan_value_counts', 137, 138, 139, 'long'),
            mapOf('lower_bounds', 125, 126, 127, 'bytes'),
            mapOf('upper_bounds', 128, 129, 130, 'bytes'),
            { name: 'key_metadata', type: opt('bytes'), default: null, 'field-id': 131 },
            {
              name: 'split_offsets',
              type: opt({ type: 'array', items: 'long', 'element-id': 133 }),
              default: null,
              'field-id': 132,
            },
            {
              name: 'equality_ids',
              type: opt({ type: 'array', items: 'int', 'element-id': 136 }),
              default: null,
              'field-id': 135,
            },
            { name: 'sort_order_id', type: opt('int'), default: null, 'field-id': 140 },
            { name: 'referenced_data_file', type: opt('string'), default: null, 'field-id': 143 },
            ...(formatVersion === 3 ? V3_DATA_FILE_FIELDS : []),
          ],
        },
      },
    ],
  };
}

type KV<V> = { key: number; value: V }[] | null;
const toKV = <V>(m: Map<number, V> | null | undefined, f: (v: V) => unknown = (v) => v): unknown =>
  m ? [...m.entries()].map(([key, value]) => ({ key, value: f(value) })) : null;
const fromKV = <V, O>(kv: KV<V> | undefined, f: (v: V) => O): Map<number, O> | null => {
  if (!kv) return null;
  // A loop rather than `new Map(kv.map(…))`: no pair array per entry (a manifest holds six such maps per file).
  const map = new Map<number, O>();
  for (const e of kv) map.set(e.key, f(e.value));
  return map;
};

/**
 * Encodes a v2 manifest (an Avro file of `manifest_entry` records) with the key-value metadata readers expect; a v3
 * one with `meta.formatVersion: 3`.
 *
 * @example encodeManifest(entries, { schema, partitionSpec: { 'spec-id': 0, fields: [] }, partitionType: [], content: 'data' })
 */
export function encodeManifest(entries: ManifestEntry[], meta: ManifestMetadata): Buffer {
  const v3 = meta.formatVersion === 3;
  const schema = manifestEntrySchema(meta.partitionType, v3 ? 3 : 2);
  const records = entries.map((e) => ({
    status: e.status,
    snapshot_id: e.snapshotId,
    sequence_number: e.sequenceNumber,
    file_sequence_number: e.fileSequenceNumber,
    data_file: {
      content: e.dataFile.content,
      file_path: e.dataFile.filePath,
      file_format: e.dataFile.fileFormat,
      partition: Object.fromEntries(
        meta.partitionType.map((p) => [p.name, toAvroValue(p.type, e.dataFile.partition[p.name])]),
      ),
      record_count: e.dataFile.recordCount,
      file_size_in_bytes: e.dataFile.fileSizeInBytes,
      column_sizes: toKV(e.dataFile.columnSizes),
      value_counts: toKV(e.dataFile.valueCounts),
      null_value_counts: toKV(e.dataFile.nullValueCounts),
      nan_value_counts: toKV(e.dataFile.nanValueCounts),
      lower_bounds: toKV(e.dataFile.lowerBounds, (b) => Buffer.from(b)),
      upper_bounds: toKV(e.dataFile.upperBounds, (b) => Buffer.from(b)),
      key_metadata: e.dataFile.keyMetadata ? Buffer.from(e.dataFile.keyMetadata) : null,
      split_offsets: e.dataFile.splitOffsets ?? null,
      equality_ids: e.dataFile.equalityIds ?? null,
      sort_order_id: e.dataFile.sortOrderId ?? null,
      referenced_data_file: e.dataFile.referencedDataFile ?? null,
      ...(v3
        ? {
            first_row_id: e.dataFile.firstRowId ?? null,
            content_offset: e.dataFile.contentOffset ?? null,
            content_size_in_bytes: e.dataFile.contentSizeInBytes ?? null,
          }
        : {}),
    },
  }));
  return encodeOcf(schema, records, {
    schema: JSON.stringify(meta.schema),
    'schema-id': String(meta.schema['schema-id'] ?? 0),
    'partition-spec': JSON.stringify(meta.partitionSpec.fields),
    'partition-spec-id': String(meta.partitionSpec['spec-id']),
    'format-version': String(meta.formatVersion ?? 2),
    content: meta.content,
  });
}

export interface DecodedManifest {
  metadata: Record<string, string>;
  /** Partition fields as found in the file's writer schema. */
  partitionType: PartitionFieldType[];
  entries: ManifestEntry[];
}

interface AvroField {
  name: string;
  type: unknown;
  'field-id'?: number;
}

function partitionTypeFromWriterSchema(schema: unknown): PartitionFieldType[] {
  const dataFile = (schema as { fields: AvroField[] }).fields.find((f) => f.name === 'data_file');
  const part = (dataFile?.type as { fields: AvroField[] } | undefined)?.fields.find((f) => f.name === 'partition');
  const fields = (part?.type as { fields?: AvroField[] } | undefined)?.fields ?? [];
  return fields.map((f) => {
    const t = Array.isArray(f.type) ? f.type.find((x) => x !== 'null') : f.type;
    return { fieldId: f['field-id'] ?? -1, name: f.name, type: icebergTypeOfAvro(t) };
  });
}

/** Decodes a v2 or v3 manifest file. Inherited fields (snapshot id, sequence numbers) are left `null` as written. */
export function decodeManifest(buf: Buffer): DecodedManifest {
  const { schema, metadata, forEachRecord } = openOcf(buf);
  const partitionType = partitionTypeFromWriterSchema(schema);
  // avsc hands out bytes as a view into its own pool, already a copy of the file's: kept as they are.
  const bytes = (b: Buffer): Uint8Array => b;
  const same = <T>(x: T) => x;
  const entries: ManifestEntry[] = [];
  forEachRecord((record) => {
    const r = record as AvroRecord;
    const d = r.data_file as AvroRecord;
    const partition: Record<string, IcebergPrimitiveValue | null> = {};
    for (const p of partitionType) partition[p.name] = fromAvroValue(p.type, d.partition?.[p.name]);
    entries.push({
      status: r.status as EntryStatus,
      snapshotId: r.snapshot_id ?? null,
      sequenceNumber: r.sequence_number ?? null,
      fileSequenceNumber: r.file_sequence_number ?? null,
      dataFile: {
        content: (d.content ?? 0) as FileContent,
        filePath: d.file_path,
        fileFormat: d.file_format,
        partition,
        recordCount: d.record_count,
        fileSizeInBytes: d.file_size_in_bytes,
        columnSizes: fromKV<Long, Long>(d.column_sizes, same),
        valueCounts: fromKV<Long, Long>(d.value_counts, same),
        nullValueCounts: fromKV<Long, Long>(d.null_value_counts, same),
        nanValueCounts: fromKV<Long, Long>(d.nan_value_counts, same),
        lowerBounds: fromKV(d.lower_bounds, bytes),
        upperBounds: fromKV(d.upper_bounds, bytes),
        keyMetadata: d.key_metadata ?? null,
        splitOffsets: d.split_offsets ?? null,
        equalityIds: d.equality_ids ?? null,
        sortOrderId: d.sort_order_id ?? null,
        referencedDataFile: d.referenced_data_file ?? null,
        firstRowId: d.first_row_id ?? null,
        contentOffset: d.content_offset ?? null,
        contentSizeInBytes: d.content_size_in_bytes ?? null,
      },
    });
  });
  return { metadata, partitionType, entries };
}
