/**
 * @ratatouille/engine: bronze → silver → gold pipelines on a data branch. Pure planning (`pipeline/`), one
 * `SqlRunner` (DuckDB behind `sql/duckdb-runner.ts`), Iceberg writes and reads through the catalog's REST API.
 */
export type { SqlRunner, SqlColumn, SqlRow } from './sql/sql-runner.ts';
export { DuckDbRunner, SqlError } from './sql/duckdb-runner.ts';
export * from './errors/engine-error.ts';
export { writeTable, newSnapshotId, type WriteOptions, type WriteResult, type WriteMode } from './iceberg/writer.ts';
export { planScan, scanSql, registerTableView, type ScanPlan } from './iceberg/reader.ts';
export { liveFiles, refSnapshot } from './iceberg/manifests.ts';
export * from './pipeline/model.ts';
export { loadProject } from './pipeline/loader.ts';
export { parseBatchTime } from './pipeline/incremental-strategy.ts';
export { installPackages, type InstalledPackage } from './packages/install.ts';
export { LOCK_FILE, packagesRepinned } from './packages/packages-file.ts';
export { findRefs, splitHeader } from './pipeline/sql-file.ts';
export { compileSql } from './pipeline/compile.ts';
export { modelsCallingMacros, modelsUsingVars } from './pipeline/template-uses.ts';
export { packageSettingsFor, projectSettings, settingsFor, type ProjectSettings } from './pipeline/project-settings.ts';
export { UndefinedVarError, type RunVars } from './pipeline/compile.ts';
export {
  plan,
  buildOrder,
  STATE_MODIFIED,
  type Plan,
  type PlanOptions,
  type SelectorState,
} from './pipeline/planner.ts';
export { ingest, REGISTRY_TABLE, RejectedRowsError, ChangedFileError } from './runner/ingest.ts';
export { listFiles, isLandingFile } from './runner/landing-files.ts';
export type { IngestOptions, IngestResult } from './runner/ingest.ts';
export { transform, type TransformOptions } from './runner/materialize.ts';
export { runTests, testSql, testName, failsRun, outcomeText, type TestOutcome } from './runner/data-tests.ts';
export {
  runPipeline,
  dryRun,
  newRunId,
  RUNS_TABLE,
  RUN_BRANCH_PREFIX,
  CODE_DIRTY,
  VARS_PROPERTY,
  type RunOptions,
  type RunReport,
  type RunEvent,
} from './runner/run.ts';
export { PROVENANCE } from '@ratatouille/iceberg/lockstep';
export { FULL_REFRESH_NOTE, type StepReport } from './runner/build-step.ts';
export { pinnedRef, ReadOnlyRefError } from './runner/pinned-ref.ts';
export { parseMemoryLimit, InvalidMemoryLimitError } from './runner/memory-limit.ts';
export { compactTables, type CompactOptions, type TableCompaction } from './runner/compact.ts';
export { sourceFreshnessOn, type FreshnessOutcome } from './runner/freshness.ts';
export { compiledModels, type CompiledModel } from './runner/compile-models.ts';
export { auditTables, testIdentifier, AUDIT_SCHEMA } from './pipeline/stored-failures.ts';
export { listResources, RESOURCE_TYPES, type Resource, type ResourceType } from './pipeline/resources.ts';
export { previewModels, DEFAULT_SHOW_LIMIT, type Preview, type ShowOptions } from './runner/show.ts';
export {
  listRuns,
  cleanRunBranches,
  runBranchStart,
  type RunRecord,
  type CleanRunsReport,
} from './runner/run-records.ts';
export { refreshView, tableIdent, sqlName, catalogFor, MissingTableError } from './runner/tables.ts';
export { openEngine, type EngineSession } from './api.ts';
export { mergeAppendOnly, APPEND_ONLY_TABLES } from './runner/merge-append-only.ts';
export { refreshesModel, refreshedBySource, type FullRefresh } from './runner/full-refresh.ts';
export type { MacroSet } from './pipeline/jinja-macros.ts';
