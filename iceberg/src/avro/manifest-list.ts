import { decodeOcf, encodeOcf, type Long } from './ocf.ts';

export const ManifestContent = { DATA: 0, DELETES: 1 } as const;
export type ManifestContent = (typeof ManifestContent)[keyof typeof ManifestContent];

export interface FieldSummary {
  containsNull: boolean;
  containsNan?: boolean | null;
  /** Single-value serialized bound of the partition field. */
  lowerBound?: Uint8Array | null;
  upperBound?: Uint8Array | null;
}

/** One `manifest_file` record of a v2 manifest list. */
export interface ManifestFile {
  manifestPath: string;
  manifestLength: Long;
  partitionSpecId: number;
  content: ManifestContent;
  sequenceNumber: Long;
  minSequenceNumber: Long;
  addedSnapshotId: Long;
  addedFilesCount: number;
  existingFilesCount: number;
  deletedFilesCount: number;
  addedRowsCount: Long;
  existingRowsCount: Long;
  deletedRowsCount: Long;
  partitions?: FieldSummary[] | null;
  keyMetadata?: Uint8Array | null;
  /** v3: the first row id of the manifest's data files that do not carry their own (null: not assigned yet). */
  firstRowId?: Long | null;
}

export interface ManifestListMetadata {
  snapshotId: Long;
  parentSnapshotId: Long | null;
  sequenceNumber: Long;
  /** 3 writes the v3 list (with `first_row_id`); the snapshot's `first-row-id` goes into the file's metadata. */
  formatVersion?: 2 | 3;
  firstRowId?: Long;
}

const opt = (type: unknown) => ['null', type];

/** A record decoded with the file's own writer schema: its shape is only known at run time. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AvroRecord = Record<string, any>;

/** The Avro schema of a v2 manifest list (spec: "Manifest Lists"). */
export const MANIFEST_LIST_SCHEMA = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
    { name: 'content', type: 'int', 'field-id': 517 },
    { name: 'sequence_number', type: 'long', 'field-id': 515 },
    { name: 'min_sequence_number', type: 'long', 'field-id': 516 },
    { name: 'added_snapshot_id', type: 'long', 'field-id': 503 },
    { name: 'added_files_count', type: 'int', 'field-id': 504 },
    { name: 'existing_files_count', type: 'int', 'field-id': 505 },
    { name: 'deleted_files_count', type: 'int', 'field-id': 506 },
    { name: 'added_rows_count', type: 'long', 'field-id': 512 },
    { name: 'existing_rows_count', type: 'long', 'field-id': 513 },
    { name: 'deleted_rows_count', type: 'long', 'field-id': 514 },
    {
      name: 'partitions',
      type: opt({
        type: 'array',
        'element-id': 508,
        items: {
          type: 'record',
          name: 'r508',
          fields: [
            { name: 'contains_null', type: 'boolean', 'field-id': 509 },
            { name: 'contains_nan', type: opt('boolean'), default: null, 'field-id': 518 },
            { name: 'lower_bound', type: opt('bytes'), default: null, 'field-id': 510 },
            { name: 'upper_bound', type: opt('bytes'), default: null, 'field-id': 511 },
          ],
        },
      }),
      default: null,
      'field-id': 507,
    },
    { name: 'key_metadata', type: opt('bytes'), default: null, 'field-id': 519 },
  ],
};

/** The Avro schema of a v3 manifest list: v2's fields and `first_row_id` (row lineage). */
export const MANIFEST_LIST_V3_SCHEMA = {
  ...MANIFEST_LIST_SCHEMA,
  fields: [...MANIFEST_LIST_SCHEMA.fields, { name: 'first_row_id', type: opt('long'), default: null, 'field-id': 520 }],
};

/**
 * Encodes a v2 manifest list, or a v3 one with `meta.formatVersion: 3`.
 *
 * @example encodeManifestList([manifestFile], { snapshotId: 1, parentSnapshotId: null, sequenceNumber: 1 })
 */
export function encodeManifestList(files: ManifestFile[], meta: ManifestListMetadata): Buffer {
  const buf = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b) : null);
  const v3 = meta.formatVersion === 3;
  const records = files.map((f) => ({
    manifest_path: f.manifestPath,
    manifest_length: f.manifestLength,
    partition_spec_id: f.partitionSpecId,
    content: f.content,
    sequence_number: f.sequenceNumber,
    min_sequence_number: f.minSequenceNumber,
    added_snapshot_id: f.addedSnapshotId,
    added_files_count: f.addedFilesCount,
    existing_files_count: f.existingFilesCount,
    deleted_files_count: f.deletedFilesCount,
    added_rows_count: f.addedRowsCount,
    existing_rows_count: f.existingRowsCount,
    deleted_rows_count: f.deletedRowsCount,
    partitions: f.partitions
      ? f.partitions.map((p) => ({
          contains_null: p.containsNull,
          contains_nan: p.containsNan ?? null,
          lower_bound: buf(p.lowerBound),
          upper_bound: buf(p.upperBound),
        }))
      : null,
    key_metadata: buf(f.keyMetadata),
    ...(v3 ? { first_row_id: f.firstRowId ?? null } : {}),
  }));
  return encodeOcf(v3 ? MANIFEST_LIST_V3_SCHEMA : MANIFEST_LIST_SCHEMA, records, {
    'snapshot-id': String(meta.snapshotId),
    'parent-snapshot-id': meta.parentSnapshotId === null ? 'null' : String(meta.parentSnapshotId),
    'sequence-number': String(meta.sequenceNumber),
    ...(v3 && meta.firstRowId !== undefined ? { 'first-row-id': String(meta.firstRowId) } : {}),
    'format-version': v3 ? '3' : '2',
  });
}

/** Decodes a manifest list (v2 and v3; v1 lists are read with their v1 field names and v2 defaults). */
export function decodeManifestList(buf: Buffer): { metadata: Record<string, string>; manifests: ManifestFile[] } {
  const { metadata, records } = decodeOcf(buf);
  const u8 = (b: Buffer | null | undefined) => (b ? new Uint8Array(b) : null);
  const manifests = (records as AvroRecord[]).map((r): ManifestFile => ({
    manifestPath: r.manifest_path,
    manifestLength: r.manifest_length,
    partitionSpecId: r.partition_spec_id,
    content: (r.content ?? 0) as ManifestContent,
    sequenceNumber: r.sequence_number ?? 0,
    minSequenceNumber: r.min_sequence_number ?? 0,
    addedSnapshotId: r.added_snapshot_id,
    addedFilesCount: r.added_files_count ?? r.added_data_files_count ?? 0,
    existingFilesCount: r.existing_files_count ?? r.existing_data_files_count ?? 0,
    deletedFilesCount: r.deleted_files_count ?? r.deleted_data_files_count ?? 0,
    addedRowsCount: r.added_rows_count ?? 0,
    existingRowsCount: r.existing_rows_count ?? 0,
    deletedRowsCount: r.deleted_rows_count ?? 0,
    partitions: r.partitions
      ? (r.partitions as AvroRecord[]).map((p) => ({
          containsNull: p.contains_null,
          containsNan: p.contains_nan ?? null,
          lowerBound: u8(p.lower_bound),
          upperBound: u8(p.upper_bound),
        }))
      : null,
    keyMetadata: u8(r.key_metadata),
    firstRowId: r.first_row_id ?? null,
  }));
  return { metadata, manifests };
}
