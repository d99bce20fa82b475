import { randomInt, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  encodeManifest,
  encodeManifestList,
  EntryStatus,
  FileContent,
  type DataFile,
  type ManifestFile,
} from '@ratatouille/iceberg';

/** A one-column table schema the appends below describe. */
export const APPEND_SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [{ id: 1, name: 'id', required: false, type: 'long' }],
};

/** What a writer knows about a table on one branch: its location, current snapshot and that snapshot's manifests. */
export interface AppendState {
  location: string;
  snapshotId: number | null;
  sequence: number;
  manifests: ManifestFile[];
}

/** The state of a table just created at `location`. */
export function newTableState(location: string): AppendState {
  return { location, snapshotId: null, sequence: 0, manifests: [] };
}

/**
 * One append as a writer makes it on a local file warehouse: a manifest naming one new data file (never written: no
 * catalog reads data files) and a manifest list written next to the table's metadata, and the commit body that adds
 * the snapshot to `main` of the table (`dataFile` names that data file instead; `files` are the manifest's files
 * instead of that one, described with `schema`). Returns the body and the writer's state once the commit is accepted.
 *
 * @example const { body, next } = appendCommit(state); await post(tablePath, body); state = next
 */
export function appendCommit(
  t: AppendState,
  opts: { dataFile?: string; files?: DataFile[]; schema?: Record<string, unknown> } = {},
): { body: unknown; next: AppendState } {
  const snapshotId = randomInt(1, 2 ** 47);
  const sequence = t.sequence + 1;
  const dir = `${t.location}/metadata`;
  const manifestPath = `${dir}/${randomUUID()}-m0.avro`;
  const files: DataFile[] = opts.files ?? [
    {
      content: FileContent.DATA,
      filePath: opts.dataFile ?? `${t.location}/data/${randomUUID()}.parquet`,
      fileFormat: 'PARQUET',
      partition: {},
      recordCount: 1,
      fileSizeInBytes: 100,
    },
  ];
  const records = files.reduce((n, f) => n + Number(f.recordCount), 0);
  const manifest = encodeManifest(
    files.map((dataFile) => ({
      status: EntryStatus.ADDED,
      snapshotId,
      sequenceNumber: null,
      fileSequenceNumber: null,
      dataFile,
    })),
    {
      schema: opts.schema ?? APPEND_SCHEMA,
      partitionSpec: { 'spec-id': 0, fields: [] },
      partitionType: [],
      content: 'data',
    },
  );
  writeFileSync(fileURLToPath(manifestPath), manifest);
  const manifests: ManifestFile[] = [
    {
      manifestPath,
      manifestLength: manifest.length,
      partitionSpecId: 0,
      content: 0,
      sequenceNumber: sequence,
      minSequenceNumber: sequence,
      addedSnapshotId: snapshotId,
      addedFilesCount: files.length,
      existingFilesCount: 0,
      deletedFilesCount: 0,
      addedRowsCount: records,
      existingRowsCount: 0,
      deletedRowsCount: 0,
    },
    ...t.manifests,
  ];
  const listPath = `${dir}/snap-${snapshotId}-1-${randomUUID()}.avro`;
  const list = encodeManifestList(manifests, { snapshotId, parentSnapshotId: t.snapshotId, sequenceNumber: sequence });
  writeFileSync(fileURLToPath(listPath), list);
  const snapshot: Record<string, unknown> = {
    'snapshot-id': snapshotId,
    'sequence-number': sequence,
    'timestamp-ms': Date.now(),
    'manifest-list': listPath,
    summary: { operation: 'append', 'added-records': String(records), 'added-data-files': String(files.length) },
    'schema-id': 0,
  };
  if (t.snapshotId !== null) snapshot['parent-snapshot-id'] = t.snapshotId;
  const body = {
    requirements: [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': t.snapshotId }],
    updates: [
      { action: 'add-snapshot', snapshot },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshotId },
    ],
  };
  return { body, next: { location: t.location, snapshotId, sequence, manifests } };
}
