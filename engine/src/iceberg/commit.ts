import { randomUUID } from 'node:crypto';
import {
  assignFirstRowIds,
  encodeManifest,
  encodeManifestList,
  sameSchema,
  toSingleValue,
  type DataFile,
  type ManifestEntry,
  type ManifestFile,
  type PartitionFieldType,
  type TableMetadata,
} from '@ratatouille/iceberg';
import type { IcebergRestClient, RestTableUpdate, TableIdent } from '@ratatouille/catalog-client';
import { CommitConflictError } from '../errors/engine-error.ts';
import type { planSchema } from './types.ts';
import type { PartitionFieldSpec } from './partition.ts';
import { partitionTypeOf } from './data-files.ts';
import { writeLocation } from './files.ts';
import { readLiveEntries, readManifestList, refSnapshot } from './manifests.ts';
import { RemovedFiles, snapshotTotals } from './snapshot-summary.ts';

/**
 * `append` adds files; `overwrite` replaces the whole table; `overwrite-partitions` replaces the partitions written;
 * `replace` puts the files written in place of `replaceFiles`, holding the same rows (a compaction: Iceberg's
 * `replace` operation, which readers and merges know changes no data).
 */
export type WriteMode = 'append' | 'overwrite' | 'overwrite-partitions' | 'replace';

/** How a commit's files join the table (see {@link WriteMode}). */
export interface CommitMode {
  mode: WriteMode;
  /** Files (paths as in the manifests) the commit removes: data files, and for a `replace` delete files too. */
  replaceFiles?: string[];
  /** `replace`: the rows the files written must hold (fewer than the replaced files' when deletes were applied). */
  expectedRows?: number;
  /**
   * With `replaceFiles`: the delete files the rewrite read. Another delete file live at commit time may delete rows
   * of a file it replaces, which would come back in the files it wrote, so the commit is refused as a conflict.
   */
  deleteFilesRead?: string[];
}

type Plan = ReturnType<typeof planSchema>;

/** A random positive snapshot id that stays exact in every JSON parser (≤ 2^53 − 1). */
export function newSnapshotId(): number {
  return Math.floor(Math.random() * (Number.MAX_SAFE_INTEGER - 1)) + 1;
}

/**
 * Commits data files as a new snapshot of the table's `main`: a manifest of the added files, the kept (or
 * rewritten, for replaced files and overwritten partitions) manifests of the parent, a manifest list, then
 * `add-snapshot` + `set-snapshot-ref` guarded by `assert-ref-snapshot-id` (and the schema id when it evolves).
 * Returns the new snapshot id, or the parent's when an append has nothing to add. A 409 is the caller's to retry.
 *
 * @example await commitFiles(catalog, t, md, plan, spec, partitionType, files, { mode: 'append' }, 1, {})
 */
export async function commitFiles(
  catalog: IcebergRestClient,
  target: TableIdent,
  md: TableMetadata,
  plan: Plan,
  spec: { 'spec-id': number; fields: PartitionFieldSpec[] },
  partitionType: PartitionFieldType[],
  dataFiles: DataFile[],
  opts: CommitMode,
  attempt: number,
  properties: Record<string, string>,
): Promise<number | null> {
  const name = [...target.namespace, target.name].join('.');
  const parent = refSnapshot(md, 'main');
  const parentId = parent ? parent['snapshot-id'] : null;
  const seq = md['last-sequence-number'] + 1;
  const v3 = md['format-version'] >= 3;
  const snapshotId = newSnapshotId();
  const metaDir = `${md.location.replace(/\/+$/, '')}/metadata`;

  // Schema to record in the manifest / snapshot.
  let schemaId = md['current-schema-id'];
  const updates: RestTableUpdate[] = [];
  if (plan.evolved) {
    // The catalog reuses an identical earlier schema (a column dropped and back) instead of adding it again.
    const same = md.schemas.find((s) => sameSchema(s, plan.schema as unknown as typeof s));
    schemaId = same ? (same['schema-id'] ?? 0) : Math.max(...md.schemas.map((s) => s['schema-id'] ?? 0)) + 1;
    updates.push(
      { action: 'add-schema', schema: { ...plan.schema, 'schema-id': schemaId } },
      { action: 'set-current-schema', 'schema-id': -1 },
    );
  }

  // Existing manifests: keep, drop (overwrite) or rewrite without replaced files.
  const existing = parent?.['manifest-list'] ? await readManifestList(parent['manifest-list']) : [];
  const kept: ManifestFile[] = [];
  const removed = new RemovedFiles();
  const replace = new Set(opts.replaceFiles ?? []);
  const newPartitions = new Set(dataFiles.map((f) => JSON.stringify(partitionKey(f, partitionType))));
  const found = new Set<string>();
  const deletesRead = opts.deleteFilesRead ? new Set(opts.deleteFilesRead) : undefined;
  for (const m of existing) {
    if (opts.mode === 'overwrite') {
      if (m.content === 0) removed.dataManifest(m);
      else for (const e of await readLiveEntries(m)) removed.file(e.file);
      continue;
    }
    const needsRewrite =
      (replace.size > 0 && (m.content === 0 || deletesRead !== undefined)) ||
      (opts.mode === 'overwrite-partitions' && m.content === 0 && m.partitionSpecId === spec['spec-id']);
    if (!needsRewrite) {
      kept.push(m);
      continue;
    }
    const entries = await readLiveEntries(m);
    const unread = deletesRead && m.content !== 0 && entries.find((e) => !deletesRead.has(e.file.filePath));
    if (unread) {
      throw new CommitConflictError(
        name,
        attempt,
        `delete file ${unread.file.filePath} was added meanwhile and may delete rows of the files rewritten`,
      );
    }
    const survivors = entries.filter((e) => {
      const drop =
        replace.has(e.file.filePath) ||
        (opts.mode === 'overwrite-partitions' &&
          newPartitions.has(JSON.stringify(partitionKey(e.file, partitionType))));
      if (drop) {
        found.add(e.file.filePath);
        removed.file(e.file);
      }
      return !drop;
    });
    if (survivors.length === entries.length) {
      kept.push(m);
      continue;
    }
    if (survivors.length === 0) continue;
    // In a new manifest a file's inherited first row id would change: v3 writes it out.
    const rewritten: ManifestEntry[] = survivors.map((e) => ({
      status: 0,
      snapshotId: e.snapshotId,
      sequenceNumber: e.dataSequenceNumber,
      fileSequenceNumber: e.dataSequenceNumber,
      dataFile: v3 && e.firstRowId !== undefined ? { ...e.file, firstRowId: e.firstRowId } : e.file,
    }));
    const ownSpec = specOf(md, m.partitionSpecId);
    kept.push(
      await writeManifest(metaDir, plan, ownSpec, partitionTypeOf(ownSpec, plan.schema), rewritten, {
        seq,
        snapshotId,
        content: m.content === 0 ? 0 : 1,
        minSeq: survivors.reduce((a, e) => (e.dataSequenceNumber < a ? e.dataSequenceNumber : a), BigInt(seq)),
        existing: true,
        v3,
      }),
    );
  }
  for (const f of replace) {
    if (!found.has(f)) throw new CommitConflictError(name, attempt, `file ${f} to replace is no longer in the table`);
  }

  const manifests: ManifestFile[] = [];
  if (dataFiles.length > 0) {
    const entries: ManifestEntry[] = dataFiles.map((f) => ({
      status: 1,
      snapshotId,
      sequenceNumber: null,
      fileSequenceNumber: null,
      dataFile: f,
    }));
    manifests.push(
      await writeManifest(metaDir, plan, spec, partitionType, entries, {
        seq,
        snapshotId,
        content: 0,
        minSeq: BigInt(seq),
        existing: false,
        v3,
      }),
    );
  }
  manifests.push(...kept);
  if (dataFiles.length === 0 && removed.dataFiles === 0 && parent && !plan.evolved && opts.mode === 'append') {
    return Number(parentId); // nothing to commit
  }

  const listLocation = `${metaDir}/snap-${snapshotId}-${attempt}-${randomUUID()}.avro`;
  // A v3 table's rows get ids: the new manifests take the next ones (the writer checked no row moves).
  const assigned = v3 ? assignFirstRowIds(manifests, Number(md['next-row-id'] ?? 0)) : undefined;
  const lineage = assigned?.lineage;
  await writeLocation(
    listLocation,
    encodeManifestList(assigned?.list ?? manifests, {
      snapshotId,
      parentSnapshotId: parentId ?? null,
      sequenceNumber: seq,
      ...(lineage ? { formatVersion: 3, firstRowId: lineage.firstRowId } : {}),
    }),
  );
  const addedRows = dataFiles.reduce((a, f) => a + Number(f.recordCount), 0);
  const expectedRows = opts.expectedRows ?? removed.dataRows;
  if (opts.mode === 'replace' && addedRows !== expectedRows) {
    // A rewrite that would change the table's rows is a defect of its reader, never a commit.
    throw new Error(
      `${name}: the rewrite holds ${addedRows} rows where ${expectedRows} were expected; nothing was committed`,
    );
  }
  const summary: Record<string, string> = {
    operation:
      opts.mode === 'replace' ? 'replace' : opts.mode === 'append' && removed.dataFiles === 0 ? 'append' : 'overwrite',
    ...snapshotTotals(dataFiles, removed, manifests, parent?.summary),
    ...properties,
  };
  const requirements = [
    { type: 'assert-table-uuid', uuid: md['table-uuid'] },
    { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': parentId ?? null },
  ];
  if (plan.evolved)
    requirements.push({ type: 'assert-current-schema-id', 'current-schema-id': md['current-schema-id'] } as never);
  updates.push(
    {
      action: 'add-snapshot',
      snapshot: {
        'snapshot-id': snapshotId,
        ...(parentId !== null && parentId !== undefined ? { 'parent-snapshot-id': parentId } : {}),
        'sequence-number': seq,
        'timestamp-ms': Date.now(),
        'manifest-list': listLocation,
        summary,
        'schema-id': plan.evolved ? schemaId : md['current-schema-id'],
        ...(lineage ? { 'first-row-id': lineage.firstRowId, 'added-rows': lineage.addedRows } : {}),
      },
    },
    { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshotId },
  );
  await catalog.commitTable(target, requirements, updates);
  return snapshotId;
}

function specOf(md: TableMetadata, specId: number): { 'spec-id': number; fields: PartitionFieldSpec[] } {
  const spec = md['partition-specs'].find((s) => s['spec-id'] === specId);
  return (spec ?? { 'spec-id': specId, fields: [] }) as unknown as { 'spec-id': number; fields: PartitionFieldSpec[] };
}

function partitionKey(f: DataFile, pt: PartitionFieldType[]): unknown[] {
  return pt.map((p) => {
    const v = f.partition[p.name];
    return typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v;
  });
}

async function writeManifest(
  metaDir: string,
  plan: Plan,
  spec: { 'spec-id': number; fields: PartitionFieldSpec[] },
  partitionType: PartitionFieldType[],
  entries: ManifestEntry[],
  o: { seq: number; snapshotId: number; content: 0 | 1; minSeq: bigint; existing: boolean; v3: boolean },
): Promise<ManifestFile> {
  const location = `${metaDir}/${randomUUID()}-m0.avro`;
  const buf = encodeManifest(entries, {
    schema: plan.schema as unknown as { 'schema-id'?: number },
    partitionSpec: spec,
    partitionType,
    content: o.content === 0 ? 'data' : 'deletes',
    formatVersion: o.v3 ? 3 : 2,
  });
  await writeLocation(location, buf);
  const rows = entries.reduce((a, e) => a + Number(e.dataFile.recordCount), 0);
  // Field summaries: null presence and bounds per partition field.
  const partitions = partitionType.map((p) => {
    const vals = entries.map((e) => e.dataFile.partition[p.name]);
    const nonNull = vals.filter((v): v is NonNullable<typeof v> => v !== null && v !== undefined);
    const sorted = [...nonNull].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      containsNull: nonNull.length < vals.length,
      containsNan: false,
      lowerBound: sorted.length ? new Uint8Array(toSingleValue(p.type, sorted[0])) : null,
      upperBound: sorted.length ? new Uint8Array(toSingleValue(p.type, sorted[sorted.length - 1])) : null,
    };
  });
  return {
    manifestPath: location,
    manifestLength: buf.length,
    partitionSpecId: spec['spec-id'],
    content: o.content,
    sequenceNumber: o.seq,
    minSequenceNumber: o.minSeq,
    addedSnapshotId: o.snapshotId,
    addedFilesCount: o.existing ? 0 : entries.length,
    existingFilesCount: o.existing ? entries.length : 0,
    deletedFilesCount: 0,
    addedRowsCount: o.existing ? 0 : rows,
    existingRowsCount: o.existing ? rows : 0,
    deletedRowsCount: 0,
    partitions,
  };
}
