import type { IcebergRestClient } from '@ratatouille/catalog-client';
import { derivedLineage, lineageToRead, type TableMetadata } from '@ratatouille/iceberg';
import { PROVENANCE } from '@ratatouille/iceberg/lockstep';
import type { SqlRunner } from '../sql/sql-runner.ts';
import type { CompiledSql, RunVars } from '../pipeline/compile.ts';
import { PipelineError, type Model, type Project } from '../pipeline/model.ts';
import { sideLists } from '../iceberg/lineage-side-files.ts';
import { refreshesModel, type FullRefresh } from './full-refresh.ts';
import { ingest } from './ingest.ts';
import { transform } from './materialize.ts';
import { projectModelSqlError } from './model-sql-error.ts';
import { MissingTableError, loadView, refreshView, tableIdent } from './tables.ts';
import { compileForRun } from './compile-for-run.ts';
import { batchWindows, MAX_BATCHES, microbatchSql, type MicrobatchRun } from './microbatch.ts';
import type { WriteResult } from '../iceberg/writer.ts';
import { ephemeralsOf, tableInputs } from '../pipeline/ephemeral.ts';
import { defineView } from '../iceberg/reader.ts';
import { persistDocs } from './persist-docs.ts';
import { checkContract, notNullColumns } from './contract.ts';

/** What one step of a run did. */
export interface StepReport {
  step: string;
  rows: number;
  files: number;
  skipped: number;
  rejected: number;
  ms: number;
  note?: string;
  /** What the model's SQL gave dbt's `log()` as it was compiled for the run. */
  logs?: string[];
}

/** The note of a step whose table a full refresh replaced. */
export const FULL_REFRESH_NOTE = 'full refresh';

/**
 * Builds one step of a run on the run branch: a source's ingest of its landing files, or a model's SELECT
 * materialized into its table, every snapshot carrying the run's provenance (which model, file, inputs, run and code
 * commit) and, for a model, its inputs' lineage. Returns the step's report; throws the step's own error.
 */
export async function buildStep(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  project: Project,
  m: Model,
  ctx: {
    runId: string;
    properties: Record<string, string>;
    now: Date;
    ref: string;
    fullRefresh?: FullRefresh;
    vars?: RunVars;
    /** The branch the run merges into: dbt's `target.name` in the model's SQL. */
    target?: string;
    /** dbt's `--event-time-start` / `--event-time-end`: the batches a microbatch model builds (a backfill). */
    eventTimeStart?: Date;
    eventTimeEnd?: Date;
  },
): Promise<StepReport> {
  const t0 = Date.now();
  // Provenance on every snapshot the step writes: which model, from which code commit, reading which tables. It is
  // what tells a merge that a table is derived (rebuilt from its inputs) rather than source data.
  const properties = {
    ...ctx.properties,
    [PROVENANCE.model]: m.id,
    [PROVENANCE.modelFile]: m.file,
    [PROVENANCE.inputs]: m.kind === 'source' ? m.source.path : tableInputs(project, m).join(','),
  };
  if (m.kind === 'source') {
    const refresh = refreshesModel(m, ctx.fullRefresh);
    const r = await ingest(sql, catalog, m.source.path, m.id, {
      fullRefresh: refresh,
      parser: m.source.format,
      options: m.source.options,
      columns: m.source.columns,
      rename: m.source.rename,
      onChange: m.source.onChange,
      rejects: m.source.rejects,
      uniqueKey: m.config.uniqueKey,
      partitionBy: m.config.partitionBy,
      onSchemaChange: m.config.onSchemaChange,
      baseDir: project.dir,
      runId: ctx.runId,
      properties,
    });
    await persistModelDocs(catalog, m);
    await refreshView(sql, catalog, m.id);
    return {
      step: m.id,
      rows: r.rows,
      files: r.files.filter((f) => f.status !== 'skipped').length,
      skipped: r.files.filter((f) => f.status === 'skipped').length,
      rejected: r.rejected,
      ms: Date.now() - t0,
      note: r.files.length === 0 ? 'no landing files' : refresh ? FULL_REFRESH_NOTE : undefined,
    };
  }
  const inputs = new Map<string, TableMetadata>();
  for (const ref of tableInputs(project, m)) {
    const view = await loadView(sql, catalog, ref);
    if (!view) throw new MissingTableError(ref, ctx.ref, project.external?.get(ref)?.file);
    inputs.set(ref, view.metadata);
  }
  // Which input snapshots the model reads and which landing files they gained since its previous write: a merge
  // then recognises an append another branch made from the same landing files (it does not replay it twice).
  const own = (await catalog.tryLoadTable(tableIdent(m.id)))?.metadata;
  const previous = own?.snapshots.find((s) => s['snapshot-id'] === own['current-snapshot-id']);
  // Lists an input keeps in side files are loaded first (derivedLineage itself reads no file).
  const lists = await sideLists(lineageToRead(previous, inputs));
  Object.assign(properties, derivedLineage(previous, inputs, lists));
  const refresh = refreshesModel(m, ctx.fullRefresh);
  // dbt's is_incremental(): the SQL may read only what is new since the table's last write.
  const incremental = m.config.materialized === 'incremental' && own !== undefined && !refresh;
  await defineEphemerals(sql, catalog, project, m, ctx);
  const compile = (refFilters?: ReadonlyMap<string, string>) =>
    compileForRun(sql, catalog, project, m, { vars: ctx.vars, incremental, target: ctx.target, refFilters });
  const batches = m.config.microbatch && (await microbatches(project, m, incremental, ctx, compile));
  if (batches === null)
    return { ...stepReport(m, t0, null, false), note: 'no batches between --event-time-start and -end' };
  const compiled = batches ? batches.compiled : await compile();
  const sqlError = (err: unknown) => {
    throw projectModelSqlError(err, project, m, compiled);
  };
  const { contract } = m.config;
  if (contract) await checkContract(sql, { id: m.id, file: m.file, contract }, compiled.sql).catch(sqlError);
  const w = await transform(sql, catalog, {
    sql: compiled.sql,
    target: m.id,
    materialized: m.config.materialized,
    mergeKeys: m.config.uniqueKey,
    partitionBy: m.config.partitionBy,
    replacePartitions: m.config.replacePartitions,
    window: batches?.window,
    watermark: m.config.watermark,
    updatedAt: m.config.updatedAt,
    checkCols: m.config.checkCols,
    history: m.config.history,
    hardDeletes: m.config.hardDeletes,
    onSchemaChange: m.config.onSchemaChange,
    renamed: m.config.renamed,
    properties,
    now: ctx.now,
    fullRefresh: refresh,
    notNull: notNullColumns(contract),
  }).catch(sqlError);
  await persistModelDocs(catalog, m);
  await refreshView(sql, catalog, m.id);
  const report = stepReport(m, t0, w, refresh);
  if (batches)
    report.note = `${batches.batches} batch${batches.batches === 1 ? '' : 'es'}${report.note ? `, ${report.note}` : ''}`;
  return { ...report, ...(compiled.logs.length ? { logs: compiled.logs } : {}) };
}

/** A model step's report from what its write did (null: nothing written). */
function stepReport(m: Model, t0: number, w: WriteResult | null, refresh: boolean): StepReport {
  return {
    step: m.id,
    rows: w?.addedRows ?? 0,
    files: w?.addedFiles ?? 0,
    skipped: 0,
    rejected: 0,
    ms: Date.now() - t0,
    note: w && !w.unchanged ? (refresh ? FULL_REFRESH_NOTE : undefined) : 'unchanged',
  };
}

/**
 * A microbatch model's batches for this run (see `batchWindows`), each compiled with its inputs that have an
 * `event_time` read in its window; null when the backfill's bounds hold no batch.
 */
async function microbatches(
  project: Project,
  m: Model,
  incremental: boolean,
  ctx: { now: Date; eventTimeStart?: Date; eventTimeEnd?: Date },
  compile: (refFilters: ReadonlyMap<string, string>) => Promise<CompiledSql>,
): Promise<MicrobatchRun | null> {
  const config = m.config.microbatch!;
  const windows = batchWindows(config, {
    now: ctx.now,
    fresh: !incremental,
    from: ctx.eventTimeStart,
    to: ctx.eventTimeEnd,
  });
  if (windows.length > MAX_BATCHES) {
    throw new PipelineError(
      'PIPELINE_INVALID',
      `${m.file}:1: ${m.id} would build more than ${MAX_BATCHES} ${config.batchSize} batches in one run: backfill it in parts (rat run ${m.id} --event-time-start … --event-time-end …)`,
      { file: m.file, line: 1 },
    );
  }
  if (windows.length === 0) return null;
  const inputTimes = new Map<string, string>();
  for (const id of tableInputs(project, m)) {
    const column = project.models.get(id)?.config.eventTime ?? project.external?.get(id)?.eventTime;
    if (column) inputTimes.set(id, column);
  }
  return microbatchSql(windows, m.config.eventTime!, inputTimes, compile);
}

/**
 * The ephemeral models `m` reads, defined as views of the runner under their names, after the tables they read (so
 * the model's compiled SELECT runs as written). An error in one's SQL points at its own file.
 */
export async function defineEphemerals(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  project: Project,
  m: Model,
  { vars, target }: { vars?: RunVars; target?: string },
): Promise<void> {
  for (const e of ephemeralsOf(project, m)) {
    const compiled = await compileForRun(sql, catalog, project, e, { vars, target });
    const { namespace, name } = tableIdent(e.id);
    await defineView(sql, namespace, name, compiled.sql).catch((err: unknown) => {
      throw projectModelSqlError(err, project, e, compiled);
    });
  }
}

/** A model's descriptions written into its table, when it has any (see `persistDocs`). */
async function persistModelDocs(catalog: IcebergRestClient, m: Model): Promise<void> {
  const { docs } = m.config;
  if (docs.description !== undefined || Object.keys(docs.columns).length > 0) await persistDocs(catalog, m.id, docs);
}
