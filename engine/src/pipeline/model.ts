import type { MacroFile } from './jinja-environment.ts';
import { EngineError } from '../errors/engine-error.ts';
import type { TableDocs } from '../iceberg/docs.ts';
import type { TestThresholds } from './test-thresholds.ts';

export type Layer = 'bronze' | 'silver' | 'gold';

/** The columns an scd2 table dates its versions with. */
export interface HistoryColumns {
  validFrom: string;
  validTo: string;
  /** With `hard_deletes: new_record`: the column marking a key's deletion record (`'True'` / `'False'`, as dbt's). */
  isDeleted?: string;
  /** dbt's `dbt_scd_id`: a version's id, the MD5 of its key and its start. */
  scdId?: string;
  /** dbt's `dbt_updated_at`: when the version's source row was updated (its `updated_at`, or the run's time). */
  updatedAt?: string;
}
export const LAYERS: readonly Layer[] = ['bronze', 'silver', 'gold'];

/**
 * A data test on a model's table; each compiles to a SELECT whose rows are the failures. dbt's `severity: warn`
 * reports its failures without failing the run; its thresholds (`fail_calc`, `warn_if`, `error_if`) count them.
 */
export type DataTest = (
  | { kind: 'not_null'; columns: string[]; where?: string }
  | { kind: 'unique'; columns: string[]; where?: string }
  | { kind: 'accepted_values'; column: string; values: (string | number | boolean)[]; where?: string }
  | { kind: 'relationships'; column: string; to: string; field: string; where?: string }
  | {
      kind: 'sql';
      name: string;
      sql: string;
      /** A singular test's file (dbt's `tests/`); a header's `sql:` test has none. */
      file?: string;
      /** The tables it reads besides the model's own, and its refs by name alone (see `attachSingularTests`). */
      reads?: string[];
      refIds?: Record<string, string>;
    }
  /** A test of the project's own: dbt's `{% test name(model, column_name, …) %}` block in `macros/`, given `args`. */
  | { kind: 'generic'; name: string; column?: string; args: Record<string, unknown>; where?: string }
) & {
  severity?: 'warn';
  /** Whether and where its failing rows are stored (dbt's `store_failures`, see `failuresTable`). */
  stored?: FailureStore;
} & TestThresholds;

/**
 * dbt's `store_failures`: a data test's failing rows written to a table of their own (replaced at each run that
 * runs the test), to be queried after the run. Set on a test (its `config:` or a singular test's `config()`), for
 * every test in rat.yaml's `data_tests:` (`+store_failures: true`), or for one run with `--store-failures`.
 */
export interface FailureStore {
  /** dbt's `store_failures`. */
  store?: boolean;
  /** dbt's `store_failures_as`: `table`, or `ephemeral` to store nothing (a `view` is refused). */
  as?: 'table' | 'ephemeral';
  /** The namespace of the table (dbt's `schema`); dbt_test__audit unless set. */
  schema?: string;
  /** The table's name (dbt's `alias`); dbt's name for the test unless set. */
  alias?: string;
}

export interface SourceConfig {
  /** Glob of landing files, relative to the project folder (or absolute). */
  path: string;
  format: 'csv' | 'json' | 'ndjson' | 'parquet' | 'xlsx';
  /** Extra reader options (CSV: `delim`, `header`, `quote`…; xlsx: `sheet`). */
  options: Record<string, string | number | boolean>;
  /** Declared column types (`TRY_CAST` applies; values that do not cast are rejects). */
  columns: Record<string, string>;
  /** Column renames, source name → table name. */
  rename: Record<string, string>;
  /** What to do with a landing file whose content changed since it was ingested. */
  onChange: 'reingest' | 'skip' | 'fail';
  /** Malformed rows: written to `<layer>.<name>_rejected` (quarantine) or fail the run. */
  rejects: 'quarantine' | 'fail';
}

/** `ephemeral` (dbt's): no table; the SELECT is read inside the models that ref it. */
export type Materialization = 'table' | 'incremental' | 'scd2' | 'ephemeral';

export interface ModelConfig {
  materialized: Materialization;
  /** dbt's tags: what `tag:<name>` selects. */
  tags?: string[];
  uniqueKey: string[];
  partitionBy: string[];
  /**
   * Incremental models without `unique_key`: dbt's `insert_overwrite`, a run's rows replace the partitions they fall in
   * (the whole table when it is not partitioned) instead of being appended.
   */
  replacePartitions?: true;
  /** dbt's `event_time`: the column dating the model's rows; a microbatch model reads the model in windows of it. */
  eventTime?: string;
  /**
   * dbt's `microbatch` incremental strategy: each run builds the batches from `lookback` batches before the current
   * one (the first run, or a full refresh, from `begin`), and replaces the rows of its window of `eventTime`.
   */
  microbatch?: { batchSize: 'hour' | 'day' | 'month' | 'year'; begin: string; lookback: number };
  /** Incremental models: only rows whose column is above the table's current maximum are processed. */
  watermark?: string;
  /** scd2: column holding the change time (default: the run's start time). */
  updatedAt?: string;
  /** scd2: columns compared to detect a change (default: all but the key). */
  checkCols?: string[];
  /**
   * scd2: the names of the columns that date each version (default `valid_from`, `valid_to`; dbt's snapshots
   * `dbt_valid_from`, `dbt_valid_to`), from dbt's `snapshot_meta_column_names`.
   */
  history?: HistoryColumns;
  /**
   * scd2: what a key gone from the SELECT does (dbt's `hard_deletes`): `invalidate` closes its current version,
   * `new_record` also adds a version marked deleted; by default (`ignore`) its current version stays open.
   */
  hardDeletes?: 'invalidate' | 'new_record';
  /**
   * `incremental` and `scd2` (and sources): what a result with other columns than the table does — dbt's names.
   * `table` models ignore it: their result replaces the table, columns included.
   */
  onSchemaChange: 'fail' | 'append_new_columns' | 'sync_all_columns';
  /**
   * `sync_all_columns`: table columns the SELECT now returns under another name (`renamed: { old: new }`), renamed in
   * place (same Iceberg field id, data kept). A bare `old AS new` in the SELECT list is recognised without it.
   */
  renamed: Record<string, string>;
  /**
   * `incremental` models, dbt's `full_refresh`: `false` keeps the model incremental under `rat run --full-refresh` (a
   * table too large to recompute, or whose inputs no longer hold its history); `true` replaces the table on every
   * run. Unset, the run's `--full-refresh` decides.
   */
  fullRefresh?: boolean;
  /**
   * dbt's `description` (any model) and column descriptions (`columns:` of a SQL model), written into the table: its
   * `comment` property and its columns' `doc`.
   */
  docs: TableDocs;
  tests: DataTest[];
  /** dbt's enforced model contract: the columns and types the model's result must have, checked before it is written. */
  contract?: ModelContract;
}

/** A column a model's contract declares: its name, its SQL type as written, and whether it may hold nulls. */
export interface ContractColumn {
  name: string;
  dataType: string;
  notNull: boolean;
}

/** dbt's `contract: { enforced: true }` with the `columns:` (and their `data_type`) it holds the result to. */
export interface ModelContract {
  columns: ContractColumn[];
}

/** A row of a unit test: column name → value (YAML's: text, number, boolean, null, date). */
export type UnitRow = Record<string, unknown>;

/**
 * A model's unit test (dbt's `unit_tests`): fixed rows for the tables it reads, and the rows its SELECT must return
 * from them. It needs no data on a branch: the SELECT runs on the given rows alone.
 */
export interface UnitTest {
  name: string;
  /** Each input by table id (`bronze.orders`; `this` is the model's own table, for an incremental model). */
  given: Array<{ input: string; rows: UnitRow[] }>;
  /** The rows expected, compared as a multiset on the columns they name. */
  expect: UnitRow[];
  /** What `is_incremental()` is in the test (dbt's `overrides: { macros: { is_incremental: true } }`); false unless set. */
  incremental: boolean;
}

/** A reference from a model's SQL to another table, with where it was written. */
export interface RefUse {
  target: string;
  line: number;
}

interface ModelBase {
  /** `layer.name`, also the Iceberg identifier (namespace `layer`, table `name`). */
  id: string;
  layer: Layer;
  name: string;
  /** Path of the defining file relative to the project folder. */
  file: string;
  /**
   * The sub-folders of its layer's folder its file is in (`['staging']` for silver/staging/stg_orders.sql: dbt's
   * path between the project and the name), when it is not at the layer's top.
   */
  folders?: string[];
  /** The installed package whose model it is (dbt's package models), when not the project's own. */
  package?: string;
  config: ModelConfig;
  refs: RefUse[];
}

export interface SourceModel extends ModelBase {
  kind: 'source';
  source: SourceConfig;
}

export interface SqlModel extends ModelBase {
  kind: 'sql';
  /** dbt's unit tests: the SELECT run on fixed input rows, compared with the rows expected. */
  unitTests: UnitTest[];
  /** The SELECT as written (refs unresolved). */
  sql: string;
  /** Line of the SELECT's first line in the file (after the header). */
  sqlLine: number;
  /** dbt's refs by name alone that name a model of another id (`orders` → `silver.orders`), for compiling. */
  refIds?: Record<string, string>;
  /**
   * The layer's property files (dbt's `schema.yml`) that describe the model, relative to the project folder: its
   * definition is spread over `file` and these.
   */
  propertyFiles?: string[];
}

export type Model = SourceModel | SqlModel;

/** A seed's model (dbt's seeds, see `loadSeeds`): the only models defined by a CSV file. */
export const isSeed = (m: Model): m is SourceModel => m.kind === 'source' && m.file.endsWith('.csv');

/** A table the models read but the pipelines do not write (dbt's `sources:`): it must exist on the run's branch. */
/** dbt's source freshness: how old a source's newest row may be before `rat source freshness` warns or fails. */
export interface Freshness {
  /**
   * The column saying when a row was loaded (dbt's `loaded_at_field`); without one, the time of the table's last
   * write (its current Iceberg snapshot), as dbt reads a warehouse's metadata.
   */
  loadedAtField?: string;
  /** Age (ms) past which the check warns. */
  warnAfterMs?: number;
  /** Age (ms) past which the check fails. */
  errorAfterMs?: number;
  /** A SQL condition on the rows considered (dbt's `filter`). */
  filter?: string;
}

export interface ExternalTable {
  /** The catalog's `namespace.name` (a source's `schema` and a table's `identifier` when given). */
  id: string;
  /** `source.table`, as `{{ source('source', 'table') }}` names it, when it is not the id. */
  name?: string;
  /** The property file that declares it, and the line. */
  file: string;
  line: number;
  description?: string;
  /** dbt's freshness of the source: what `rat source freshness` checks. */
  freshness?: Freshness;
  /** dbt's `event_time`: the column a microbatch model reads the table's rows in windows of. */
  eventTime?: string;
  /** dbt's tests on the source (its table's and its columns'), run before a run that reads it merges. */
  tests?: DataTest[];
}

/**
 * What data tests test: a model's table, or a source's (see `testedSource`). `sourceName` is a source's dbt name
 * (`till.sales`), which names its tests as dbt names them.
 */
export type TestedTable = Pick<Model, 'id' | 'name' | 'file'> & {
  config: Pick<ModelConfig, 'tests'>;
  sourceName?: string;
};

/**
 * A source as its tests test it: its table, named by its dbt name (`till.sales`, else its id).
 *
 * @example testedSource(project.external.get('raw.sales_v2')!).sourceName // 'till.sales'
 */
export function testedSource(t: ExternalTable): TestedTable {
  return {
    id: t.id,
    name: t.id.slice(t.id.lastIndexOf('.') + 1),
    file: t.file,
    config: { tests: t.tests ?? [] },
    sourceName: t.name ?? t.id,
  };
}

/** dbt's analysis: a SELECT of the project's own that is compiled and shown, never built (see `loadAnalyses`). */
export interface Analysis {
  name: string;
  /** Its file, relative to the project folder. */
  file: string;
  sql: string;
}

export interface Project {
  dir: string;
  /** Folder of `bronze/`, `silver/`, `gold/`. */
  pipelinesDir: string;
  models: Map<string, Model>;
  /** Tables written outside the pipelines that models may read (dbt's `sources:` in property files). */
  external?: Map<string, ExternalTable>;
  /** dbt's analyses (`analyses/*.sql`), by name. */
  analyses?: Analysis[];
  /** rat.yaml's `data_tests:` settings for every test (dbt_project.yml's): where failures are stored. */
  testDefaults?: FailureStore;
  /** The table each source's dbt name reads (`till.sales` → `raw.sales_v2`), for SQL beside the models. */
  sourceNames?: ReadonlyMap<string, string>;
  /** dbt's macros: the files of the `macros/` folder beside the layers, callable from every model's SQL. */
  macros?: readonly MacroFile[];
  /** dbt's exposures (dashboards, applications reading the tables), by name. */
  exposures?: Map<string, Exposure>;
}

/**
 * dbt's exposures: what reads the project's tables from outside it (a dashboard, a notebook, an application), declared
 * in a property file's `exposures:` with what it `depends_on`. A run builds nothing for one; `exposure:<name>`
 * selects the models it reads (`+exposure:<name>` everything they read too), as dbt selects an exposure's parents.
 */
export interface Exposure {
  name: string;
  file: string;
  line: number;
  /** dbt's `type`: dashboard, notebook, analysis, ml, application. */
  type: string;
  description?: string;
  url?: string;
  owner?: { name?: string; email?: string };
  /** The tables it reads: model ids and sources' tables, once the project is loaded (as written before). */
  dependsOn: string[];
}

/** A pipeline file is invalid; `data.file` and `data.line` say where. */
export class PipelineError extends EngineError<
  'PIPELINE_INVALID' | 'UNKNOWN_REF' | 'CYCLE' | 'UNKNOWN_SELECTOR' | 'NO_PIPELINES',
  { file: string; line: number; detail?: string }
> {}
