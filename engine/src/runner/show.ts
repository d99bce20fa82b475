import type { RunVars } from '../pipeline/compile.ts';
import { tableInputs } from '../pipeline/ephemeral.ts';
import type { Model, Project } from '../pipeline/model.ts';
import { plan } from '../pipeline/planner.ts';
import { adHocModel, selectedAnalyses } from '../pipeline/analyses.ts';
import { DuckDbRunner } from '../sql/duckdb-runner.ts';
import type { SqlColumn, SqlRow, SqlRunner } from '../sql/sql-runner.ts';
import { BranchApi } from './branches.ts';
import { defineEphemerals } from './build-step.ts';
import { compileForRun } from './compile-for-run.ts';
import { refreshesModel, type FullRefresh } from './full-refresh.ts';
import { projectModelSqlError } from './model-sql-error.ts';
import { catalogFor, loadView, MissingTableError, sqlName } from './tables.ts';
import { dottedNames } from '../sql/dotted-names.ts';
import type { IcebergRestClient } from '@ratatouille/catalog-client';

/** What `rat show` previews when given SQL rather than a model (dbt's `show --inline`). */
export const INLINE_FILE = '<inline>';

/** dbt's `show` limit when none is given. */
export const DEFAULT_SHOW_LIMIT = 5;

/** The first rows of a model's SELECT (or a table's rows) as the branch's data gives them. */
export interface Preview {
  /** The model's id, or `inline`. */
  model: string;
  file: string;
  /**
   * `select`: the model's SQL, compiled as a run on the branch would run it, executed over the branch's tables;
   * `table`: the rows the branch's table holds (a source or a seed, whose rows come from files, not a SELECT).
   */
  from: 'select' | 'table';
  /** What ran, before the limit: the compiled SELECT, or the table's name. */
  sql: string;
  columns: SqlColumn[];
  rows: SqlRow[];
  limit: number;
}

export interface ShowOptions {
  server: string;
  branch: string;
  /** Models to preview, as for `rat run` (one or more), and analyses by their names. */
  selector?: string;
  exclude?: string;
  /** SQL with refs, sources and macros to preview instead of a model. */
  inline?: string;
  limit?: number;
  vars?: RunVars;
  fullRefresh?: FullRefresh;
}

/**
 * dbt's `show`: the first `limit` rows of each selected model's SELECT, compiled as `rat run` on `branch` would
 * compile it (`is_incremental()`, `run_query()`, `adapter` and ephemeral models included) and run over the tables
 * the branch has, or of an `inline` SELECT that refs models and sources by their names. Nothing is written: a model
 * whose inputs the branch lacks is `MISSING_TABLE`, as for a run. A source or seed shows its table's rows.
 *
 * @example (await previewModels(project, { server, branch: 'dev', selector: 'silver.orders' }))[0].rows
 */
export async function previewModels(project: Project, o: ShowOptions): Promise<Preview[]> {
  const limit = o.limit ?? DEFAULT_SHOW_LIMIT;
  const models = previewed(project, o);
  // A branch the server lacks is its 404, rather than each table missing from it.
  await new BranchApi(o.server).read(o.branch);
  const catalog = catalogFor(o.server, o.branch);
  const out: Preview[] = [];
  for (const m of models) {
    // Each model in a DuckDB of its own: the views of one model's inputs and ephemerals do not leak into another's.
    const sql = await DuckDbRunner.open();
    try {
      out.push(await preview(sql, catalog, project, m, { ...o, limit }));
    } finally {
      await sql.close();
    }
  }
  return out;
}

/** What a show previews: the selected models and analyses, or the inline SQL. */
function previewed(project: Project, o: ShowOptions): Model[] {
  if (o.inline !== undefined) return [adHocModel(project, o.inline, INLINE_FILE, 'inline')];
  const { analyses, models } = selectedAnalyses(project, o.selector);
  const p = models === undefined ? undefined : plan(project, models, { exclude: o.exclude });
  return [
    ...(p ? [...p.ephemeral, ...p.steps] : []),
    ...analyses.map((a) => adHocModel(project, a.sql, a.file, a.name)),
  ];
}

async function preview(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  project: Project,
  m: Model,
  o: ShowOptions & { limit: number },
): Promise<Preview> {
  const result = async (from: Preview['from'], query: string, select: string) => ({
    model: m.id,
    file: m.file,
    from,
    sql: query,
    columns: await sql.describe(select),
    rows: await sql.query(`SELECT * FROM (${select}\n) LIMIT ${o.limit}`),
    limit: o.limit,
  });
  if (m.kind !== 'sql') {
    if (!(await loadView(sql, catalog, m.id))) throw new MissingTableError(m.id, o.branch);
    return result('table', m.id, `SELECT * FROM ${sqlName(m.id)}`);
  }
  for (const input of tableInputs(project, m)) {
    if (!(await loadView(sql, catalog, input))) throw new MissingTableError(input, o.branch);
  }
  // `is_incremental()` as a run would render it: the model's table is on the branch and no full refresh is asked.
  const own =
    m.config.materialized === 'incremental' && !refreshesModel(m, o.fullRefresh)
      ? await loadView(sql, catalog, m.id)
      : null;
  const ctx = { vars: o.vars, incremental: own !== null, target: o.branch };
  await defineEphemerals(sql, catalog, project, m, ctx);
  const compiled = await compileForRun(sql, catalog, project, m, ctx);
  if (!project.models.has(m.id)) {
    // Inline SQL and analyses may also read a table by its name (`dbt_test__audit.not_null_orders_id`): each `a.b`
    // they write that names a table of the branch is made readable (an alias and its column name none, and cost a
    // lookup).
    const read = new Set(tableInputs(project, m));
    for (const id of dottedNames(compiled.sql).filter((n) => !read.has(n))) await loadView(sql, catalog, id);
  }
  try {
    return await result('select', compiled.sql, compiled.sql);
  } catch (err) {
    throw projectModelSqlError(err, project, m, compiled);
  }
}
