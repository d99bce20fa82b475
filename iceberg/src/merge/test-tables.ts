import { parseTableMetadata, type TableMetadata } from '../model/table-metadata.ts';
import type { Snapshot } from '../model/parts.ts';
import { FileContent, type DataFile, type EntryStatus, type ManifestEntry } from '../avro/manifest.ts';
import { ManifestContent, type ManifestFile } from '../avro/manifest-list.ts';

/** In-memory tables for the merge tests: a two-column table and helpers that add snapshots as writers do. */
export const LOCATION = 'file:///wh/db/t';

export function table(extra: Record<string, unknown> = {}): TableMetadata {
  return parseTableMetadata({
    'format-version': 2,
    'table-uuid': 'uuid-1',
    location: LOCATION,
    'last-sequence-number': 0,
    'last-updated-ms': 1,
    'last-column-id': 2,
    'current-schema-id': 0,
    schemas: [
      {
        type: 'struct',
        'schema-id': 0,
        fields: [
          { id: 1, name: 'id', type: 'long', required: false },
          { id: 2, name: 'day', type: 'date', required: false },
        ],
      },
    ],
    'default-spec-id': 0,
    'partition-specs': [
      { 'spec-id': 0, fields: [{ 'source-id': 2, 'field-id': 1000, name: 'day', transform: 'identity' }] },
    ],
    'last-partition-id': 1000,
    'default-sort-order-id': 0,
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    properties: { owner: 'a' },
    'current-snapshot-id': -1,
    snapshots: [],
    'snapshot-log': [],
    'metadata-log': [],
    ...extra,
  });
}

/** The table after a writer committed a snapshot on `main` (`summary` defaults to an append of one file, 10 rows). */
export function withSnapshot(md: TableMetadata, id: bigint, summary: Record<string, string> = {}): TableMetadata {
  const seq = md['last-sequence-number'] + 1;
  const parent = md['current-snapshot-id'];
  const s: Snapshot = {
    'snapshot-id': id,
    ...(parent !== null ? { 'parent-snapshot-id': parent } : {}),
    'sequence-number': seq,
    'timestamp-ms': 1000 + seq,
    'manifest-list': `${LOCATION}/metadata/snap-${id}.avro`,
    summary: { operation: 'append', 'added-data-files': '1', 'added-records': '10', ...summary },
    'schema-id': md['current-schema-id'],
  };
  return {
    ...md,
    snapshots: [...md.snapshots, s],
    'current-snapshot-id': id,
    refs: { ...md.refs, main: { type: 'branch', 'snapshot-id': id } },
    'last-sequence-number': seq,
    'snapshot-log': [...md['snapshot-log'], { 'snapshot-id': id, 'timestamp-ms': 1000 + seq }],
  };
}

/** The table with a column added (a new schema that becomes current). */
export function withColumn(md: TableMetadata, name: string): TableMetadata {
  const current = md.schemas.find((s) => s['schema-id'] === md['current-schema-id'])!;
  const id = md['last-column-id'] + 1;
  const schemaId = Math.max(...md.schemas.map((s) => s['schema-id'])) + 1;
  const schema = {
    ...current,
    'schema-id': schemaId,
    fields: [...current.fields, { id, name, type: 'string', required: false }],
  };
  return { ...md, schemas: [...md.schemas, schema], 'current-schema-id': schemaId, 'last-column-id': id };
}

/** A manifest list entry of a manifest written by snapshot `addedBy`. */
export function manifest(path: string, addedBy: bigint, content: ManifestContent = ManifestContent.DATA): ManifestFile {
  return {
    manifestPath: `${LOCATION}/metadata/${path}`,
    manifestLength: 100,
    partitionSpecId: 0,
    content,
    sequenceNumber: 1,
    minSequenceNumber: 1,
    addedSnapshotId: addedBy,
    addedFilesCount: 1,
    existingFilesCount: 0,
    deletedFilesCount: 0,
    addedRowsCount: 10,
    existingRowsCount: 0,
    deletedRowsCount: 0,
  };
}

/** A manifest entry of a data file in partition day=19800 unless `data` says otherwise. */
export function entry(
  file: string,
  status: EntryStatus,
  extra: Partial<ManifestEntry> = {},
  data: Partial<DataFile> = {},
): ManifestEntry {
  return {
    status,
    snapshotId: null,
    sequenceNumber: null,
    fileSequenceNumber: null,
    dataFile: {
      content: FileContent.DATA,
      filePath: `${LOCATION}/data/${file}`,
      fileFormat: 'PARQUET',
      partition: { day: 19800 },
      recordCount: 10,
      fileSizeInBytes: 1000,
      ...data,
    },
    ...extra,
  };
}
