import type { TableMetadata } from '@ratatouille/iceberg';
import { IcebergRestError, type IcebergRestClient, type TableIdent } from '@ratatouille/catalog-client';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { CommitConflictError, SchemaMismatchError } from '../errors/engine-error.ts';
import { planSchema, schemaFromColumns, type IcebergSchema, type SchemaChange } from './types.ts';
import { toPartitionField, type PartitionFieldSpec } from './partition.ts';
import { rememberStorage } from './files.ts';
import { contentFingerprint, FINGERPRINT_PROPERTY, headFingerprint, parquetRowsSql } from './fingerprint.ts';
import { refSnapshot } from './manifests.ts';
import { copyToDataFiles, partitionTypeOf } from './data-files.ts';
import { commitFiles, newSnapshotId, type CommitMode, type WriteMode } from './commit.ts';
import { placeLineage } from './lineage-side-files.ts';
import { keepsRowLineage, ROW_LINEAGE_COLUMNS, RowLineageError } from './row-lineage.ts';
import { requireNoNulls } from './not-null.ts';

export { newSnapshotId, type WriteMode };

/** How the files written join the table ({@link CommitMode}: the mode, files replaced), and how they are written. */
export interface WriteOptions extends CommitMode {
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
  /**
   * Summary properties known only once the data is written (an ingest's file hashes, computed beside the write):
   * awaited after the data files are written, before the commit.
   */
  lateProperties?: Promise<Record<string, string>>;
  /** Table properties when the table is created. */
  tableProperties?: Record<string, string>;
  /** Columns that must hold no null (a model's contract): a write with one fails before its commit. */
  notNull?: string[];
  /**
   * The SELECT carries its rows' `_row_id` and `_last_updated_sequence_number` (a rewrite of a v3 table): written
   * into the files under their reserved field ids, not as columns of the table.
   */
  rowLineage?: boolean;
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

function currentSchema(md: TableMetadata): IcebergSchema {
  const s = md.schemas.find((x) => x['schema-id'] === md['current-schema-id']) ?? md.schemas[0];
  return s as unknown as IcebergSchema;
}

function defaultSpec(md: TableMetadata): { 'spec-id': number; fields: PartitionFieldSpec[] } {
  const s = md['partition-specs'].find((x) => x['spec-id'] === md['default-spec-id']) ?? md['partition-specs'][0];
  return (s ?? { 'spec-id': 0, fields: [] }) as unknown as { 'spec-id': number; fields: PartitionFieldSpec[] };
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
  const lineageNames = new Set(ROW_LINEAGE_COLUMNS.map((c) => c.name));
  const columns = (await sql.describe(selectSql)).filter((c) => !opts.rowLineage || !lineageNames.has(c.name));
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
  rememberStorage(loaded.metadata.location, loaded.config, catalog);
  let md = loaded.metadata;
  if (
    md['format-version'] >= 3 &&
    !keepsRowLineage(opts.mode, (opts.replaceFiles?.length ?? 0) > 0, opts.rowLineage === true)
  ) {
    throw new RowLineageError(name, opts.replaceFiles?.length ? 'copy-on-write rewrite' : opts.mode);
  }
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

  // 1. Data files, written by one COPY.
  const written = await copyToDataFiles(sql, md, plan, spec, selectSql, opts.rowLineage ? ROW_LINEAGE_COLUMNS : []);
  await requireNoNulls(sql, name, written, opts.notNull ?? []);
  // A write that replaces the whole table and would leave exactly the content it has is not committed: the files
  // just written are dropped and the table keeps its snapshot (no-op runs write nothing). Reading the files back
  // for the fingerprint is a second pass over the data, so it is paid only when the write could be a no-op: the
  // table has a snapshot with as many rows as were just written (COPY's own stats say how many).
  let fingerprint: string | undefined;
  const head = refSnapshot(md, 'main');
  if (
    opts.mode === 'overwrite' &&
    !opts.replaceFiles?.length &&
    head &&
    !plan.evolved &&
    Number(head.summary?.['total-records'] ?? -1) === written.rows
  ) {
    const files = written.stats.filter((r) => Number(r.count) > 0).map((r) => r.filename);
    fingerprint = await contentFingerprint(sql, parquetRowsSql(files), plan.schema);
    if ((await headFingerprint(sql, md, head, plan.schema)) === fingerprint) {
      await written.discard();
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
  const dataFiles = await written.publish(partitionType);

  // 2. Commit, rebasing on conflicts.
  const late = (await opts.lateProperties) ?? {};
  // Long lineage lists go to side files once, before the first attempt: retries commit the same references.
  const summary = await placeLineage(
    { ...opts.properties, ...late, ...(fingerprint ? { [FINGERPRINT_PROPERTY]: fingerprint } : {}) },
    md.location,
  );
  const maxAttempts = opts.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      const snapshotId = await commitFiles(
        catalog,
        target,
        md,
        plan,
        spec,
        partitionType,
        dataFiles,
        opts,
        attempt,
        summary,
      );
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
      rememberStorage(reloaded.metadata.location, reloaded.config, catalog);
      md = reloaded.metadata;
      if (currentSchema(md)['schema-id'] !== schemaNow['schema-id'] && plan.evolved) {
        throw new CommitConflictError(name, attempt, 'the table schema changed concurrently');
      }
    }
  }
}
