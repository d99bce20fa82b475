import type { IcebergRestClient } from '@ratatouille/catalog-client';
import { ModelSqlError } from '../errors/engine-error.ts';
import { compileModel, type CompileContext, type CompiledSql } from '../pipeline/compile.ts';
import type { RelationColumn } from '../pipeline/jinja-adapter.ts';
import { QueryCache, QueryResult } from '../pipeline/jinja-queries.ts';
import type { Project, SqlModel } from '../pipeline/model.ts';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { refreshView, sqlName } from './tables.ts';

/** Templates that ask for tables' columns (dbt's `adapter`, `dbt_utils.star`): only then are they described. */
const ASKS_COLUMNS = /\b(adapter|dbt_utils)\s*\./;

/** Renderings of one model before its `run_query()` calls must have settled (each round runs the new queries). */
const MAX_QUERY_ROUNDS = 5;

/**
 * A model's SQL compiled for the run: with the columns of the tables it reads (dbt's `adapter`) when its templates ask
 * for them, `execute` true and `run_query()` answered from the run's DuckDB, where its inputs are views. A rendering
 * that asks for queries not run yet (and may have failed on their empty stand-ins) is followed by running them and
 * rendering again, until it asks for none new.
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
  const queries = new QueryCache();
  for (let round = 1; ; round++) {
    let compiled: CompiledSql | undefined;
    try {
      compiled = compileModel(m, { ...ctx, macros: project.macros, columns, queries });
    } catch (err) {
      // A template that used a query's empty stand-in as a real result fails; it renders again with the result.
      if (queries.pending.size === 0) throw err;
    }
    if (compiled && queries.pending.size === 0) return compiled;
    if (round === MAX_QUERY_ROUNDS) {
      const detail = `run_query() still asked for new queries after ${round} renderings (a query built from another's result, ${MAX_QUERY_ROUNDS} deep)`;
      throw new ModelSqlError({ model: m.id, file: m.file, line: m.sqlLine, detail });
    }
    for (const q of queries.pending) queries.results.set(q, await runQuery(sql, m, q));
    queries.pending.clear();
  }
}

async function runQuery(sql: SqlRunner, m: SqlModel, query: string): Promise<QueryResult> {
  try {
    const names = (await sql.describe(query)).map((c) => c.name);
    return new QueryResult(names, await sql.query(query));
  } catch (err) {
    const detail = `run_query() failed: ${(err as Error).message}\n  the query: ${query.replace(/\s+/g, ' ').slice(0, 300)}`;
    throw new ModelSqlError({ model: m.id, file: m.file, line: m.sqlLine, detail });
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
  if (!ASKS_COLUMNS.test(m.sql) && !project.macros?.some((f) => ASKS_COLUMNS.test(f.text))) return undefined;
  const out = new Map<string, RelationColumn[]>();
  for (const id of new Set(m.refs.map((r) => r.target))) {
    out.set(id, await sql.describe(`SELECT * FROM ${sqlName(id)}`));
  }
  // `this`: the model's own table, when the branch has it.
  if (await refreshView(sql, catalog, m.id)) out.set(m.id, await sql.describe(`SELECT * FROM ${sqlName(m.id)}`));
  return out;
}
