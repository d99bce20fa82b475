import type { TableDocs } from '../iceberg/docs.ts';
import { PipelineError, type DataTest, type HistoryColumns, type ModelConfig, type ModelContract } from './model.ts';
import { testOutcome } from './test-thresholds.ts';
import { checkIncrementalStrategy, parseEventTime, parseMicrobatch } from './incremental-strategy.ts';

const asList = (v: unknown): string[] =>
  v === undefined || v === null
    ? []
    : Array.isArray(v)
      ? v.map(String)
      : String(v)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);

function parseTests(raw: unknown, file: string, line: number): DataTest[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: tests must be a list`, { file, line });
  return raw.map((t, i): DataTest => {
    const [kind, arg] = Object.entries(t as Record<string, unknown>)[0] ?? [];
    const a = (arg ?? {}) as Record<string, unknown>;
    const plain = typeof arg === 'string' || Array.isArray(arg);
    const fail = (why: string): never => {
      throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: ${kind}: ${why}`, { file, line });
    };
    return { ...parseTest(kind, arg, a, plain, i, file, line), ...(plain ? {} : testOutcome(a, fail)) };
  });
}

function parseTest(
  kind: string | undefined,
  arg: unknown,
  a: Record<string, unknown>,
  plain: boolean,
  i: number,
  file: string,
  line: number,
): DataTest {
  const where = plain ? undefined : (a.where as string | undefined);
  switch (kind) {
    case 'not_null':
    case 'unique':
      return { kind, columns: plain ? asList(arg) : asList(a.columns ?? a.column), where };
    case 'accepted_values':
      return { kind, column: String(a.column), values: (a.values as (string | number | boolean)[]) ?? [], where };
    case 'relationships':
      return { kind, column: String(a.column), to: String(a.to), field: String(a.field ?? a.column), where };
    case 'sql':
      return {
        kind: 'sql',
        name: plain ? `sql_${i + 1}` : String(a.name ?? `sql_${i + 1}`),
        sql: plain ? String(arg) : String(a.sql),
      };
    default:
      throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: unknown test ${String(kind)}`, { file, line });
  }
}

/**
 * A model's settings (a SQL header with its config() calls and its property file's config:, or a source's YAML)
 * read into its {@link ModelConfig}, with dbt's names; a setting that cannot apply is PIPELINE_INVALID naming the
 * file and line.
 */
export function parseConfig(
  raw: Record<string, unknown>,
  file: string,
  line: number,
  defaults: Partial<ModelConfig>,
): ModelConfig {
  const materialized = (raw.materialized ?? defaults.materialized ?? 'table') as ModelConfig['materialized'];
  if (!['table', 'incremental', 'scd2', 'ephemeral'].includes(materialized)) {
    // dbt's default, `view`, has no counterpart: a view's SQL in DuckDB's dialect would not be read by Spark or Trino.
    const hint =
      (materialized as string) === 'view'
        ? ' (the engine writes tables: use table, or ephemeral for logic read inside the models that ref it)'
        : '';
    throw new PipelineError(
      'PIPELINE_INVALID',
      `${file}:${line}: materialized must be table, incremental, scd2 or ephemeral${hint}`,
      { file, line },
    );
  }
  // dbt's hooks run SQL beside the model's: ignoring one would leave the table other than the project means.
  const hook = ['pre_hook', 'post_hook', 'pre-hook', 'post-hook'].find((k) => raw[k] !== undefined);
  if (hook) {
    throw new PipelineError(
      'PIPELINE_INVALID',
      `${file}:${line}: ${hook} is not run: the engine runs the model's SELECT only (write what the hook does as a model or a data test)`,
      { file, line },
    );
  }
  const uniqueKey = asList(raw.unique_key ?? raw.merge_keys);
  if (materialized === 'scd2' && uniqueKey.length === 0) {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: scd2 needs unique_key`, { file, line });
  }
  const strategy =
    materialized === 'incremental'
      ? checkIncrementalStrategy(raw.incremental_strategy, uniqueKey, file, line)
      : undefined;
  const eventTime = parseEventTime(raw.event_time, file, line);
  const hardDeletes = materialized === 'scd2' ? checkSnapshotStrategy(raw, file, line) : undefined;
  const tags = asList(raw.tags);
  return {
    materialized,
    ...(tags.length ? { tags } : {}),
    uniqueKey,
    partitionBy: asList(raw.partition_by),
    ...(strategy === 'insert_overwrite' ? { replacePartitions: true as const } : {}),
    ...(eventTime ? { eventTime } : {}),
    ...(strategy === 'microbatch' ? { microbatch: parseMicrobatch(raw, eventTime, file, line) } : {}),
    watermark: raw.watermark as string | undefined,
    updatedAt: raw.updated_at as string | undefined,
    // dbt's snapshots say `check_cols: all` for what is the default here: every column but the key.
    checkCols: raw.check_cols === undefined || raw.check_cols === 'all' ? undefined : asList(raw.check_cols),
    ...(materialized === 'scd2' ? historyColumns(raw.snapshot_meta_column_names, file, line) : {}),
    ...(hardDeletes ? { hardDeletes } : {}),
    onSchemaChange: parseOnSchemaChange(raw, file, line),
    renamed: parseRenamed(raw.renamed, file, line),
    ...parseFullRefresh(raw.full_refresh, materialized, file, line),
    docs: { ...parseDescription(raw.description, file, line), columns: {} },
    tests: parseTests(raw.tests, file, line),
  };
}

/**
 * dbt's snapshot `strategy`, for scd2 models moved over from dbt snapshots: `timestamp` needs the `updated_at`
 * column it compares; `check` compares `check_cols` (or every column), which is what an scd2 model without
 * `updated_at` does. Anything else is refused. Gives dbt's `hard_deletes` (or `invalidate_hard_deletes: true`), when
 * a key gone from the SELECT is to close its version.
 */
function checkSnapshotStrategy(
  raw: Record<string, unknown>,
  file: string,
  line: number,
): 'invalidate' | 'new_record' | undefined {
  const hardDeletes = raw.hard_deletes ?? (raw.invalidate_hard_deletes === true ? 'invalidate' : 'ignore');
  if (!['ignore', 'invalidate', 'new_record'].includes(hardDeletes as string)) {
    throw new PipelineError(
      'PIPELINE_INVALID',
      `${file}:${line}: hard_deletes must be ignore, invalidate or new_record`,
      { file, line },
    );
  }
  const v = raw.strategy;
  const kept = hardDeletes === 'ignore' ? undefined : (hardDeletes as 'invalidate' | 'new_record');
  if (v === undefined || v === null || v === 'check') return kept;
  const fail = (why: string): never => {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: strategy ${String(v)}: ${why}`, { file, line });
  };
  if (v !== 'timestamp') fail('must be timestamp (with updated_at) or check (with check_cols, or all columns)');
  if (typeof raw.updated_at !== 'string' || !raw.updated_at)
    fail('needs updated_at: the column that says when a row changed');
  return kept;
}

/** dbt's snapshot columns and the {@link HistoryColumns} field each names. */
const META_COLUMNS = {
  dbt_valid_from: 'validFrom',
  dbt_valid_to: 'validTo',
  dbt_is_deleted: 'isDeleted',
  dbt_scd_id: 'scdId',
  dbt_updated_at: 'updatedAt',
} as const;

/**
 * dbt's `snapshot_meta_column_names` on an scd2 model: other names for the columns that date each version
 * (`{ dbt_valid_from: start_at, dbt_valid_to: end_at, dbt_is_deleted: deleted }`), and the names of the version's id
 * and update time when it has them (`dbt_scd_id`, `dbt_updated_at`: a snapshot has both).
 */
function historyColumns(v: unknown, file: string, line: number): Pick<ModelConfig, 'history'> {
  if (v === undefined || v === null) return {};
  const fail = (why: string): never => {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: snapshot_meta_column_names: ${why}`, { file, line });
  };
  const keys = Object.keys(META_COLUMNS);
  if (!isRecord(v)) return fail(`must map ${keys.join(' / ')} to column names`);
  for (const [k, name] of Object.entries(v)) {
    if (!keys.includes(k)) fail(`${k} is not a column the engine writes (${keys.join(', ')})`);
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(`${k} must name a column`);
  }
  const history: HistoryColumns = {
    validFrom: (v.dbt_valid_from as string | undefined) ?? 'valid_from',
    validTo: (v.dbt_valid_to as string | undefined) ?? 'valid_to',
  };
  for (const k of ['dbt_is_deleted', 'dbt_scd_id', 'dbt_updated_at'] as const) {
    if (typeof v[k] === 'string') history[META_COLUMNS[k]] = v[k];
  }
  const names = Object.values(history).map((n: string) => n.toLowerCase());
  if (new Set(names).size !== names.length) fail('each column needs a name of its own');
  return { history };
}

/** dbt's names for a snapshot's columns: merged name by name (see {@link overSettings}). */
const META_NAMES = 'snapshot_meta_column_names';

/**
 * Settings over settings, the second winning key by key, but for dbt's tags, which add up (a layer's tags and a
 * model's own both apply), and `snapshot_meta_column_names`, merged name by name (a snapshot renaming `dbt_valid_to`
 * keeps dbt's names for the others).
 *
 * @example overSettings({ tags: ['nightly'], materialized: 'table' }, { tags: 'finance' }) // { tags: ['nightly', 'finance'], materialized: 'table' }
 */
export function overSettings(beneath: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const tags = [...new Set([...asList(beneath.tags), ...asList(over.tags)])];
  const { tags: _below, ...rest } = { ...beneath, ...over };
  const [low, high] = [beneath[META_NAMES], over[META_NAMES]];
  if (isRecord(low) && isRecord(high)) rest[META_NAMES] = { ...low, ...high };
  return tags.length ? { ...rest, tags } : rest;
}

/** `description: …` (dbt's): text. */
function parseDescription(v: unknown, file: string, line: number): Pick<TableDocs, 'description'> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'string') {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: description must be text`, { file, line });
  }
  return { description: v.trim() };
}

/**
 * A SQL model's `columns:` (dbt's column descriptions): a list of `{ name, description }` as in dbt's schema files,
 * or a mapping of column name to its description (text, or `{ description }`). Column name → description.
 */
export function parseColumnDocs(v: unknown, file: string, line: number): Record<string, string> {
  if (v === undefined || v === null) return {};
  const fail = (): never => {
    throw new PipelineError(
      'PIPELINE_INVALID',
      `${file}:${line}: columns must list { name, description } or map column names to descriptions`,
      { file, line },
    );
  };
  const text = (d: unknown) =>
    typeof d === 'string' ? d : isRecord(d) && typeof d.description === 'string' ? d.description : fail();
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    for (const c of v) {
      if (!isRecord(c) || typeof c.name !== 'string' || !c.name) fail();
      const col = c as Record<string, unknown>;
      if (col.description !== undefined) out[col.name as string] = text(col.description).trim();
    }
  } else if (isRecord(v)) {
    for (const [name, d] of Object.entries(v)) out[name] = text(d).trim();
  } else fail();
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `full_refresh: true | false` (dbt's name), for `incremental` models only: the others have nothing to refresh. */
function parseFullRefresh(
  v: unknown,
  materialized: ModelConfig['materialized'],
  file: string,
  line: number,
): Pick<ModelConfig, 'fullRefresh'> {
  if (v === undefined || v === null) return {};
  const fail = (why: string) => {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: ${why}`, { file, line });
  };
  if (typeof v !== 'boolean') fail(`full_refresh must be true or false (got ${JSON.stringify(v)})`);
  if (materialized !== 'incremental') {
    fail(
      `full_refresh applies to incremental models only: a table model is replaced on every run, and an scd2 model's history cannot be recomputed from its inputs`,
    );
  }
  return { fullRefresh: v as boolean };
}

/** `renamed: { old_name: new_name }`: column renames to apply by field id (`sync_all_columns`). */
function parseRenamed(v: unknown, file: string, line: number): Record<string, string> {
  if (v === undefined || v === null) return {};
  const ok =
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.entries(v).every(([k, x]) => k.length > 0 && typeof x === 'string' && x.length > 0);
  if (!ok) {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: renamed must map old column names to new ones`, {
      file,
      line,
    });
  }
  return { ...(v as Record<string, string>) };
}

const ON_SCHEMA_CHANGE = ['fail', 'append_new_columns', 'sync_all_columns'] as const;

/** `on_schema_change` (dbt's name); the older `schema_evolution: allow` means `append_new_columns`. */
function parseOnSchemaChange(raw: Record<string, unknown>, file: string, line: number): ModelConfig['onSchemaChange'] {
  const v = raw.on_schema_change ?? (raw.schema_evolution === 'allow' ? 'append_new_columns' : 'fail');
  if (!(ON_SCHEMA_CHANGE as readonly unknown[]).includes(v)) {
    throw new PipelineError(
      'PIPELINE_INVALID',
      `${file}:${line}: on_schema_change must be ${ON_SCHEMA_CHANGE.join(', ')} (got ${String(v)})`,
      { file, line },
    );
  }
  return v as ModelConfig['onSchemaChange'];
}

/** A column a model declares (dbt's `columns:` with `data_type` and `constraints`), for its contract. */
export interface ColumnDeclaration {
  name: string;
  dataType?: string;
  notNull: boolean;
}

/** Constraints a contract accepts: `not_null` (and `primary_key`, which implies it) is checked on every write. */
const CONSTRAINTS = ['not_null', 'primary_key', 'unique', 'foreign_key', 'check', 'custom'];

/**
 * The columns of a `columns:` list, with their `data_type` and `constraints` (the mapping form of `columns:`
 * declares none). A constraint is `{ type: not_null }`; only `not_null` and `primary_key` are enforced,
 * the others (as on most of dbt's warehouses) are left to data tests.
 */
export function columnDeclarations(v: unknown, file: string, line: number): ColumnDeclaration[] {
  if (!Array.isArray(v)) return [];
  const fail = (why: string): never => {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: ${why}`, { file, line });
  };
  return v.flatMap((c): ColumnDeclaration[] => {
    if (!isRecord(c) || typeof c.name !== 'string') return [];
    if (c.data_type !== undefined && (typeof c.data_type !== 'string' || !c.data_type.trim()))
      fail(`column ${c.name}: data_type must be a SQL type (bigint, varchar, decimal(10, 2), …)`);
    const constraints = c.constraints ?? [];
    if (!Array.isArray(constraints)) fail(`column ${c.name}: constraints must be a list of { type: … }`);
    const types = (constraints as unknown[]).map((k) =>
      isRecord(k) && typeof k.type === 'string' && CONSTRAINTS.includes(k.type)
        ? k.type
        : fail(`column ${c.name}: a constraint is { type: ${CONSTRAINTS.join(' | ')} }`),
    );
    return [
      {
        name: c.name,
        ...(c.data_type === undefined ? {} : { dataType: (c.data_type as string).trim() }),
        notNull: types.includes('not_null') || types.includes('primary_key'),
      },
    ];
  });
}

/**
 * dbt's `contract: { enforced: true }` over the columns declared (the first declaration of a name wins: the SQL
 * file's over its property file's): every one needs its `data_type`, and there must be at least one. Undefined
 * when the contract is not enforced; scd2 models add history columns of their own and take none.
 */
export function modelContract(
  v: unknown,
  materialized: ModelConfig['materialized'],
  declared: ColumnDeclaration[],
  file: string,
  line: number,
): ModelContract | undefined {
  if (v === undefined || v === null) return undefined;
  const fail = (why: string): never => {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: contract: ${why}`, { file, line });
  };
  if (!isRecord(v) || (v.enforced !== undefined && typeof v.enforced !== 'boolean'))
    fail('must be { enforced: true | false }');
  if ((v as Record<string, unknown>).enforced !== true) return undefined;
  if (materialized === 'scd2') fail('scd2 models add valid_from, valid_to and is_current: they take no contract');
  if (materialized === 'ephemeral') fail('an ephemeral model has no table to hold to a contract');
  const byName = new Map<string, ColumnDeclaration>();
  for (const d of declared) if (!byName.has(d.name)) byName.set(d.name, d);
  if (byName.size === 0) fail('an enforced contract needs columns: each with its name and data_type');
  const columns = [...byName.values()].map((d) => ({
    name: d.name,
    dataType: d.dataType ?? fail(`column ${d.name} needs a data_type under an enforced contract`),
    notNull: d.notNull,
  }));
  return { columns };
}
