import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
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
import {
  IcebergRestError,
  type IcebergRestClient,
  type TableIdent,
  type RestTableUpdate,
} from '@ratatouille/catalog-client';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { ident, lit } from '../sql/sql-runner.ts';
import { CommitConflictError, SchemaMismatchError } from '../errors/engine-error.ts';
import { planSchema, schemaFromColumns, type IcebergField, type IcebergSchema, type SchemaChange } from './types.ts';
import {
  BUCKET_MACROS,
  partitionResultType,
  partitionSql,
  toPartitionField,
  type PartitionFieldSpec,
} from './partition.ts';
import { parseSqlText } from './stats.ts';
import { fileUri, isS3, localPath, publishFile, rememberStorage, scratchDir, writeLocation } from './files.ts';
import { contentFingerprint, FINGERPRINT_PROPERTY, headFingerprint, parquetRowsSql } from './fingerprint.ts';
import { liveFiles, readLiveEntries, readManifestList, refSnapshot } from './manifests.ts';

export type WriteMode = 'append' | 'overwrite' | 'overwrite-partitions';

export interface WriteOptions {
  /** `append` adds files; `overwrite` replaces the whole table; `overwrite-partitions` replaces the partitions written. */
  mode: WriteMode;
  /** Partition expressions for a table created by this write (`day(ts)`, `bucket(16, id)`, `region`). */
  partitionBy?: string[];
  /** What to do when the result's columns differ from the table's (default `fail`; see {@link SchemaChange}). */
  onSchemaChange?: SchemaChange;
  /** `sync_all_columns`: the columns the table keeps when the written rows carry more (rewritten history rows). */
  keepColumns?: string[];
  /** Same as `onSchemaChange: 'append_new_columns'` (the engine API's older flag). */
  evolveSchema?: boolean;
  /** Extra snapshot summary properties (run id, code commit). */
  properties?: Record<string, string>;
  /** Data files (paths as in the manifests) this write replaces (copy-on-write); must all still be live. */
  replaceFiles?: string[];
  /** Table properties when the table is created. */
  tableProperties?: Record<string, string>;
  /** Maximum commit attempts when the table moved (409). Default 5. */
  maxAttempts?: number;
}

export interface WriteResult {
  table: string;
  snapshotId: number | null;
  addedRows: number;
  addedFiles: number;
  addedBytes: number;
  deletedFiles: number;
  attempts: number;
  /** True when a table was created by this write. */
  created: boolean;
  /** True when the result equalled the table's content and nothing was committed (`snapshotId` is the current one). */
  unchanged?: boolean;
}

const tableName = (t: TableIdent) => [...t.namespace, t.name].join('.');

/** A random positive snapshot id that stays exact in every JSON parser (≤ 2^53 − 1). */
export function newSnapshotId(): number {
  return Math.floor(Math.random() * (Number.MAX_SAFE_INTEGER - 1)) + 1;
}

function currentSchema(md: TableMetadata): IcebergSchema {
  const s = md.schemas.find((x) => x['schema-id'] === md['current-schema-id']) ?? md.schemas[0];
  return s as unknown as IcebergSchema;
}

function defaultSpec(md: TableMetadata): { 'spec-id': number; fields: PartitionFieldSpec[] } {
  const s = md['partition-specs'].find((x) => x['spec-id'] === md['default-spec-id']) ?? md['partition-specs'][0];
  return (s ?? { 'spec-id': 0, fields: [] }) as unknown as { 'spec-id': number; fields: PartitionFieldSpec[] };
}

interface StatsRow {
  filename: string;
  count: string;
  file_size_bytes: string;
  column_statistics: { key: string; value: { key: string; value: string | null }[] }[] | null;
  partition_keys: { key: string; value: string | null }[] | null;
}

function toDataFile(
  row: StatsRow,
  schema: IcebergSchema,
  partitionType: PartitionFieldType[],
  filePath: string,
): DataFile {
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  const columnSizes = new Map<number, number>();
  const valueCounts = new Map<number, number>();
  const nullCounts = new Map<number, number>();
  const lower = new Map<number, Uint8Array>();
  const upper = new Map<number, Uint8Array>();
  for (const col of row.column_statistics ?? []) {
    const name = col.key.replace(/^"|"$/g, '').replace(/""/g, '"');
    const f = byName.get(name);
    if (!f) continue;
    const st = Object.fromEntries(col.value.map((kv) => [kv.key, kv.value]));
    if (st.column_size_bytes) columnSizes.set(f.id, Number(st.column_size_bytes));
    if (st.num_values) valueCounts.set(f.id, Number(st.num_values));
    if (st.null_count) nullCounts.set(f.id, Number(st.null_count));
    const type = f.type as string;
    if (st.min != null && st.max != null && type !== 'binary' && !type.startsWith('fixed')) {
      // Long strings: a prefix is still a valid lower bound; an upper bound must not be cut, so it is left out.
      const min = type === 'string' && st.min.length > 64 ? st.min.slice(0, 16) : st.min;
      const lo = parseSqlText(type, min);
      const hi = type === 'string' && st.max.length > 64 ? undefined : parseSqlText(type, st.max);
      if (lo !== undefined) lower.set(f.id, new Uint8Array(toSingleValue(type, lo)));
      if (hi !== undefined) upper.set(f.id, new Uint8Array(toSingleValue(type, hi)));
    }
  }
  const keys = Object.fromEntries((row.partition_keys ?? []).map((kv) => [kv.key, kv.value]));
  const partition: DataFile['partition'] = {};
  partitionType.forEach((p, i) => {
    const v = keys[`__p${i}`];
    partition[p.name] = v === null || v === undefined ? null : (parseSqlText(p.type, v) ?? null);
  });
  return {
    content: 0,
    filePath,
    fileFormat: 'PARQUET',
    partition,
    recordCount: Number(row.count),
    fileSizeInBytes: Number(row.file_size_bytes),
    columnSizes,
    valueCounts,
    nullValueCounts: nullCounts,
    nanValueCounts: null,
    lowerBounds: lower,
    upperBounds: upper,
    sortOrderId: 0,
  };
}

/** The FIELD_IDS option of DuckDB's COPY for a flat schema. */
function fieldIdsOption(fields: IcebergField[]): string {
  return `{${fields.map((f) => `${lit(f.name)}: ${f.id}`).join(', ')}}`;
}

/** Partition tuple type of a spec against a schema. */
export function partitionTypeOf(spec: { fields: PartitionFieldSpec[] }, schema: IcebergSchema): PartitionFieldType[] {
  return spec.fields.map((pf) => {
    const src = schema.fields.find((f) => f.id === pf['source-id']);
    return {
      fieldId: pf['field-id'],
      name: pf.name,
      type: partitionResultType(pf.transform, (src?.type as string) ?? 'string'),
    };
  });
}

/**
 * Writes the rows of a SELECT into an Iceberg table through the catalog: Parquet data files with field ids and
 * column statistics (DuckDB `COPY … RETURN_STATS`), a manifest, a manifest list, then a commit with `add-snapshot` +
 * `set-snapshot-ref` guarded by `assert-ref-snapshot-id`; on 409 it reloads the table and rebases (new manifest
 * list on the new head) up to `maxAttempts` times. Creates the table (and its namespace) when missing.
 *
 * @example await writeTable(sql, catalog, { namespace: ['bronze'], name: 'orders' }, 'SELECT * FROM src', { mode: 'append' })
 */
export async function writeTable(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  target: TableIdent,
  selectSql: string,
  opts: WriteOptions,
): Promise<WriteResult> {
  const name = tableName(target);
  const columns = await sql.describe(selectSql);
  let loaded = await catalog.tryLoadTable(target);
  let created = false;
  if (!loaded) {
    const schema = schemaFromColumns(columns);
    const fields = (opts.partitionBy ?? []).map((e, i) => toPartitionField(e, schema, 1000 + i));
    await catalog.ensureNamespace(target.namespace);
    try {
      loaded = await catalog.createTable(target.namespace, {
        name: target.name,
        schema: schema as unknown as Record<string, unknown>,
        'partition-spec': { 'spec-id': 0, fields },
        properties: { 'format-version': '2', 'write.format.default': 'parquet', ...opts.tableProperties },
      });
      created = true;
    } catch (err) {
      if (!(err instanceof IcebergRestError && err.isConflict)) throw err;
      loaded = await catalog.loadTable(target);
    }
  }
  rememberStorage(loaded.metadata.location, loaded.config);
  let md = loaded.metadata;
  const schemaNow = currentSchema(md);
  const mode = opts.onSchemaChange ?? (opts.evolveSchema ? 'append_new_columns' : 'fail');
  const plan = planSchema(name, schemaNow, md['last-column-id'], columns, mode, opts.keepColumns);
  const spec = defaultSpec(md);
  for (const pf of spec.fields) {
    const src = schemaNow.fields.find((f) => f.id === pf['source-id']);
    if (src && !plan.schema.fields.some((f) => f.id === pf['source-id']))
      throw new SchemaMismatchError(name, src.name, 'is the source of a partition field and cannot be dropped');
  }
  const partitionType = partitionTypeOf(spec, plan.schema);

  // 1. Data files: written by DuckDB into the table's data folder (local warehouse) or a scratch folder, then
  // uploaded under `<location>/data/` (S3).
  const remote = isS3(md.location);
  const dataDir = remote ? await scratchDir() : path.join(localPath(md.location), 'data');
  await fs.mkdir(dataDir, { recursive: true });
  const locationOf = (local: string) =>
    remote
      ? `${md.location.replace(/\/+$/, '')}/data/${path.relative(dataDir, local).split(path.sep).join('/')}`
      : fileUri(local);
  const partExprs = spec.fields.map((pf, i) => {
    const src = plan.schema.fields.find((f) => f.id === pf['source-id'])!;
    return `${partitionSql(pf.transform, src.name, src.type as string)} AS ${ident(`__p${i}`)}`;
  });
  if (spec.fields.some((f) => f.transform.startsWith('bucket'))) for (const m of BUCKET_MACROS) await sql.exec(m);
  const inner = `SELECT ${plan.selectList.join(', ')} FROM (${selectSql}) AS __rat_src`;
  const select = partExprs.length ? `SELECT *, ${partExprs.join(', ')} FROM (${inner}) AS __rat_cast` : inner;
  const fileBase = `${Date.now()}-${randomUUID()}`;
  const copyOpts = [`FORMAT parquet`, `FIELD_IDS ${fieldIdsOption(plan.schema.fields)}`, `RETURN_STATS true`];
  let copyTarget: string;
  if (partExprs.length) {
    copyTarget = dataDir;
    copyOpts.push(
      `PARTITION_BY (${spec.fields.map((_, i) => ident(`__p${i}`)).join(', ')})`,
      `FILENAME_PATTERN ${lit(`${fileBase}-{i}`)}`,
      'OVERWRITE_OR_IGNORE true',
    );
  } else {
    copyTarget = path.join(dataDir, `${fileBase}.parquet`);
  }
  const stats = (await sql.query(
    `COPY (${select}) TO ${lit(copyTarget)} (${copyOpts.join(', ')})`,
  )) as unknown as StatsRow[];
  // A write that replaces the whole table and would leave exactly the content it has is not committed: the files
  // just written are dropped and the table keeps its snapshot (no-op runs write nothing). Reading the files back
  // for the fingerprint is a second pass over the data, so it is paid only when the write could be a no-op: the
  // table has a snapshot with as many rows as were just written (COPY's own stats say how many).
  let fingerprint: string | undefined;
  const head = refSnapshot(md, 'main');
  const writtenRows = stats.reduce((a, r) => a + Number(r.count), 0);
  if (
    opts.mode === 'overwrite' &&
    !opts.replaceFiles?.length &&
    head &&
    !plan.evolved &&
    Number(head.summary?.['total-records'] ?? -1) === writtenRows
  ) {
    const written = stats.filter((r) => Number(r.count) > 0).map((r) => r.filename);
    fingerprint = await contentFingerprint(sql, parquetRowsSql(written), plan.schema);
    if ((await headFingerprint(sql, md, head, plan.schema)) === fingerprint) {
      if (remote) await fs.rm(dataDir, { recursive: true, force: true });
      else for (const r of stats) await fs.rm(r.filename, { force: true });
      return {
        table: name,
        snapshotId: Number(head['snapshot-id']),
        addedRows: 0,
        addedFiles: 0,
        addedBytes: 0,
        deletedFiles: 0,
        attempts: 0,
        created,
        unchanged: true,
      };
    }
  }
  const dataFiles: DataFile[] = [];
  try {
    for (const row of stats) {
      if (Number(row.count) === 0) {
        await fs.rm(row.filename, { force: true });
        continue;
      }
      const location = locationOf(row.filename);
      if (remote) await publishFile(row.filename, location);
      dataFiles.push(toDataFile(row, plan.schema, partitionType, location));
    }
  } finally {
    if (remote) await fs.rm(dataDir, { recursive: true, force: true });
  }

  // 2. Commit, rebasing on conflicts.
  const maxAttempts = opts.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      const snapshotId = await commitFiles(catalog, target, md, plan, spec, partitionType, dataFiles, opts, attempt, {
        ...opts.properties,
        ...(fingerprint ? { [FINGERPRINT_PROPERTY]: fingerprint } : {}),
      });
      return {
        table: name,
        snapshotId,
        addedRows: dataFiles.reduce((a, f) => a + Number(f.recordCount), 0),
        addedFiles: dataFiles.length,
        addedBytes: dataFiles.reduce((a, f) => a + Number(f.fileSizeInBytes), 0),
        deletedFiles: opts.replaceFiles?.length ?? 0,
        attempts: attempt,
        created,
      };
    } catch (err) {
      if (!(err instanceof IcebergRestError && err.isConflict) || attempt >= maxAttempts) {
        if (err instanceof IcebergRestError && err.isConflict)
          throw new CommitConflictError(name, attempt, err.message);
        throw err;
      }
      const reloaded = await catalog.loadTable(target);
      rememberStorage(reloaded.metadata.location, reloaded.config);
      md = reloaded.metadata;
      if (currentSchema(md)['schema-id'] !== schemaNow['schema-id'] && plan.evolved) {
        throw new CommitConflictError(name, attempt, 'the table schema changed concurrently');
      }
    }
  }
}

type Plan = ReturnType<typeof planSchema>;

async function commitFiles(
  catalog: IcebergRestClient,
  target: TableIdent,
  md: TableMetadata,
  plan: Plan,
  spec: { 'spec-id': number; fields: PartitionFieldSpec[] },
  partitionType: PartitionFieldType[],
  dataFiles: DataFile[],
  opts: WriteOptions,
  attempt: number,
  properties: Record<string, string>,
): Promise<number | null> {
  const name = tableName(target);
  const parent = refSnapshot(md, 'main');
  const parentId = parent ? parent['snapshot-id'] : null;
  const seq = md['last-sequence-number'] + 1;
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
  let deletedFiles = 0;
  let deletedRows = 0;
  const replace = new Set(opts.replaceFiles ?? []);
  const newPartitions = new Set(dataFiles.map((f) => JSON.stringify(partitionKey(f, partitionType))));
  const found = new Set<string>();
  for (const m of existing) {
    if (opts.mode === 'overwrite') {
      deletedFiles += m.addedFilesCount + m.existingFilesCount;
      deletedRows += Number(m.addedRowsCount) + Number(m.existingRowsCount);
      continue;
    }
    const needsRewrite =
      (replace.size > 0 && m.content === 0) ||
      (opts.mode === 'overwrite-partitions' && m.content === 0 && m.partitionSpecId === spec['spec-id']);
    if (!needsRewrite) {
      kept.push(m);
      continue;
    }
    const entries = await readLiveEntries(m);
    const survivors = entries.filter((e) => {
      const drop =
        replace.has(e.file.filePath) ||
        (opts.mode === 'overwrite-partitions' &&
          newPartitions.has(JSON.stringify(partitionKey(e.file, partitionType))));
      if (drop) {
        found.add(e.file.filePath);
        deletedFiles++;
        deletedRows += Number(e.file.recordCount);
      }
      return !drop;
    });
    if (survivors.length === entries.length) {
      kept.push(m);
      continue;
    }
    if (survivors.length === 0) continue;
    const rewritten: ManifestEntry[] = survivors.map((e) => ({
      status: 0,
      snapshotId: e.snapshotId,
      sequenceNumber: e.dataSequenceNumber,
      fileSequenceNumber: e.dataSequenceNumber,
      dataFile: e.file,
    }));
    kept.push(
      await writeManifest(metaDir, md, plan, spec, partitionTypeOfSpec(md, m.partitionSpecId, plan), rewritten, {
        seq,
        snapshotId,
        content: 0,
        minSeq: survivors.reduce((a, e) => (e.dataSequenceNumber < a ? e.dataSequenceNumber : a), BigInt(seq)),
        existing: true,
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
      await writeManifest(metaDir, md, plan, spec, partitionType, entries, {
        seq,
        snapshotId,
        content: 0,
        minSeq: BigInt(seq),
        existing: false,
      }),
    );
  }
  manifests.push(...kept);
  if (dataFiles.length === 0 && deletedFiles === 0 && parent && !plan.evolved && opts.mode === 'append') {
    return Number(parentId); // nothing to commit
  }

  const listLocation = `${metaDir}/snap-${snapshotId}-${attempt}-${randomUUID()}.avro`;
  await writeLocation(
    listLocation,
    encodeManifestList(manifests, { snapshotId, parentSnapshotId: parentId ?? null, sequenceNumber: seq }),
  );
  const total = (content: number, f: (m: ManifestFile) => number) =>
    manifests.filter((m) => m.content === content).reduce((a, m) => a + f(m), 0);
  const addedRows = dataFiles.reduce((a, f) => a + Number(f.recordCount), 0);
  const addedBytes = dataFiles.reduce((a, f) => a + Number(f.fileSizeInBytes), 0);
  const summary: Record<string, string> = {
    operation: opts.mode === 'append' && deletedFiles === 0 ? 'append' : 'overwrite',
    'added-data-files': String(dataFiles.length),
    'added-records': String(addedRows),
    'added-files-size': String(addedBytes),
    'deleted-data-files': String(deletedFiles),
    'deleted-records': String(deletedRows),
    'total-data-files': String(total(0, (m) => m.addedFilesCount + m.existingFilesCount)),
    'total-records': String(total(0, (m) => Number(m.addedRowsCount) + Number(m.existingRowsCount))),
    'total-delete-files': String(total(1, (m) => m.addedFilesCount + m.existingFilesCount)),
    'total-position-deletes': '0',
    'total-equality-deletes': '0',
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
      },
    },
    { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshotId },
  );
  await catalog.commitTable(target, requirements, updates);
  return snapshotId;
}

function partitionTypeOfSpec(md: TableMetadata, specId: number, plan: Plan): PartitionFieldType[] {
  const spec = md['partition-specs'].find((s) => s['spec-id'] === specId) ?? { fields: [] };
  return partitionTypeOf(spec as unknown as { fields: PartitionFieldSpec[] }, plan.schema);
}

function partitionKey(f: DataFile, pt: PartitionFieldType[]): unknown[] {
  return pt.map((p) => {
    const v = f.partition[p.name];
    return typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v;
  });
}

async function writeManifest(
  metaDir: string,
  md: TableMetadata,
  plan: Plan,
  spec: { 'spec-id': number; fields: PartitionFieldSpec[] },
  partitionType: PartitionFieldType[],
  entries: ManifestEntry[],
  o: { seq: number; snapshotId: number; content: 0 | 1; minSeq: bigint; existing: boolean },
): Promise<ManifestFile> {
  const location = `${metaDir}/${randomUUID()}-m0.avro`;
  const buf = encodeManifest(entries, {
    schema: plan.schema as unknown as { 'schema-id'?: number },
    partitionSpec: spec,
    partitionType,
    content: o.content === 0 ? 'data' : 'deletes',
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
  void md;
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

export { liveFiles };
