import type { IcebergRestClient } from '@ratatouille/catalog-client';
import { ModelSqlError } from '../errors/engine-error.ts';
import { compileModel, type CompileContext, type CompiledSql } from '../pipeline/compile.ts';
import type { RelationColumn } from '../pipeline/jinja-adapter.ts';
import { QueryCache, QueryResult } from '../pipeline/jinja-queries.ts';
import type { Project, SqlModel } from '../pipeline/model.ts';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { refreshView, sqlName } from './tables.ts';

/**
 * Templates that ask for tables' columns (dbt's `adapter`, `dbt_utils.star`): only then are they described.
 * `adapter.dispatch()`, which most packages' macros call, reads none.
 */
const ASKS_COLUMNS = /\badapter\s*\.\s*(?!dispatch\b)\w|\bdbt_utils\s*\./;

/** Renderings of one model before its `run_query()` calls must have settled (each round runs the new queries). */
const MAX_QUERY_ROUNDS = 5;

/**
 * A model's SQL compiled for the run: with the columns of the tables it reads (dbt's `adapter`) when its templates ask
 * for them, `execute` true and `run_query()` answered from the run's DuckDB, where its inputs are views (see
 * {@link settledRendering}).
 *
 * @example const compiled = await compileForRun(sql, catalog, project, model, { vars, incremental, target })
 */
export async function compileForRun(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  project: Project,
  m: SqlModel,
  ctx: Omit<CompileContext, 'columns' | 'queries' | 'macros'>,
): Promise<CompiledSql> {
  const columns = await readColumns(sql, catalog, project, m);
  return settledRendering(sql, { model: m.id, file: m.file, line: m.sqlLine }, (queries) =>
    compileModel(m, { ...ctx, macros: project.macros, columns, queries }),
  );
}

/** Where a rendering's queries are reported when they fail: the model (or tested model), its file and line. */
export interface RenderingPlace {
  model: string;
  file: string;
  line: number;
}

/**
 * Renders with `run_query()` answered from the run's DuckDB: a rendering that asks for queries not run yet (and may
 * have failed on their empty stand-ins) is followed by running them and rendering again, until it asks for none new.
 */
export async function settledRendering<T>(
  sql: SqlRunner,
  place: RenderingPlace,
  render: (queries: QueryCache) => T,
): Promise<T> {
  const queries = new QueryCache();
  for (let round = 1; ; round++) {
    let rendered: { value: T } | undefined;
    try {
      rendered = { value: render(queries) };
    } catch (err) {
      // A template that used a query's empty stand-in as a real result fails; it renders again with the result.
      if (queries.pending.size === 0) throw err;
    }
    if (rendered && queries.pending.size === 0) return rendered.value;
    if (round === MAX_QUERY_ROUNDS) {
      const detail = `run_query() still asked for new queries after ${round} renderings (a query built from another's result, ${MAX_QUERY_ROUNDS} deep)`;
      throw new ModelSqlError({ ...place, detail });
    }
    for (const q of queries.pending) queries.results.set(q, await runQuery(sql, place, q));
    queries.pending.clear();
  }
}

/** Whether templates ask for tables' columns: the model's (or test's) text, or a macro of the project's. */
export const asksColumns = (project: Pick<Project, 'macros'>, text: string) =>
  ASKS_COLUMNS.test(text) || (project.macros?.some((f) => ASKS_COLUMNS.test(f.text)) ?? false);

async function runQuery(sql: SqlRunner, place: RenderingPlace, query: string): Promise<QueryResult> {
  try {
    const names = (await sql.describe(query)).map((c) => c.name);
    return new QueryResult(names, await sql.query(query));
  } catch (err) {
    const detail = `run_query() failed: ${(err as Error).message}\n  the query: ${query.replace(/\s+/g, ' ').slice(0, 300)}`;
    throw new ModelSqlError({ ...place, detail });
  }
}

/**
 * The columns of the tables a model reads (and its own, once it exists), as their views in the runner describe them,
 * when its SQL or the project's macros ask for columns; else none.
 */
async function readColumns(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  project: Project,
  m: SqlModel,
): Promise<Map<string, RelationColumn[]> | undefined> {
  if (!asksColumns(project, m.sql)) return undefined;
  const out = new Map<string, RelationColumn[]>();
  for (const id of new Set(m.refs.map((r) => r.target))) {
    out.set(id, await sql.describe(`SELECT * FROM ${sqlName(id)}`));
  }
  // `this`: the model's own table, when the branch has it.
  if (await refreshView(sql, catalog, m.id)) out.set(m.id, await sql.describe(`SELECT * FROM ${sqlName(m.id)}`));
  return out;
}
