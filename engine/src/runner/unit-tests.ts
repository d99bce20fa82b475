import type { IcebergRestClient } from '@ratatouille/catalog-client';
import { DuckDbRunner } from '../sql/duckdb-runner.ts';
import type { SqlColumn, SqlRunner } from '../sql/sql-runner.ts';
import { ident, lit } from '../sql/sql-runner.ts';
import { compileModel, type RunVars } from '../pipeline/compile.ts';
import type { MacroFile } from '../pipeline/jinja-environment.ts';
import { yamlDateText } from '../pipeline/jinja-values.ts';
import type { Model, SqlModel, UnitRow, UnitTest } from '../pipeline/model.ts';
import type { TestOutcome } from './data-tests.ts';
import { refreshView, sqlName } from './tables.ts';
import { asksColumns, settledRendering } from './compile-for-run.ts';

/** A table's columns where the run reads it (its branch), or undefined when the branch has no such table. */
export type ColumnsOf = (table: string) => Promise<SqlColumn[] | undefined>;

/**
 * {@link ColumnsOf} for the tables of `catalog`'s reference, through the run's DuckDB (a table's view is registered
 * there as a step would).
 */
export function columnsOn(sql: SqlRunner, catalog: IcebergRestClient): ColumnsOf {
  return async (table) =>
    (await refreshView(sql, catalog, table)) ? sql.describe(`SELECT * FROM ${sqlName(table)}`) : undefined;
}

/** A unit test that could not be set up (an input without rows or columns, an expected column the model lacks). */
class UnitTestSetupError extends Error {}

/** A YAML value as a SQL literal. */
function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return lit(yamlDateText(v));
  return lit(typeof v === 'string' ? v : JSON.stringify(v));
}

/** `VALUES (…), (…)` of the rows' values for `names` (NULL where a row lacks one), or undefined for no rows. */
function valuesOf(rows: UnitRow[], names: string[]): string | undefined {
  if (rows.length === 0) return undefined;
  return `VALUES ${rows.map((r) => `(${names.map((n) => literal(r[n])).join(', ')})`).join(', ')}`;
}

/**
 * A unit test's table `table` (`layer.name`) in the test's own DuckDB: the given rows, with the columns and types
 * the table has on the branch where it exists (columns the rows leave out are NULL, as in dbt), else the rows' own
 * columns and the types DuckDB reads in their values.
 */
async function createInput(db: SqlRunner, table: string, rows: UnitRow[], columns: SqlColumn[] | undefined) {
  const [schema, name] = table.split('.') as [string, string];
  const target = `${ident(schema)}.${ident(name)}`;
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  const given = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (columns) {
    const known = new Set(columns.map((c) => c.name));
    const unknown = given.filter((g) => !known.has(g));
    if (unknown.length) throw new UnitTestSetupError(`${table} has no column ${unknown.join(', ')}`);
  } else if (given.length === 0) {
    throw new UnitTestSetupError(
      `give ${table} rows, or run the test on a branch that has the table (its columns are taken from there)`,
    );
  }
  const names = columns ? columns.map((c) => c.name) : given;
  const values = valuesOf(rows, names);
  if (!values) {
    await db.exec(`CREATE TABLE ${target} (${columns!.map((c) => `${ident(c.name)} ${c.type}`).join(', ')})`);
    return;
  }
  const select = columns
    ? columns.map((c) => `CAST(v.${ident(c.name)} AS ${c.type}) AS ${ident(c.name)}`).join(', ')
    : '*';
  await db.exec(`CREATE TABLE ${target} AS SELECT ${select} FROM (${values}) AS v(${names.map(ident).join(', ')})`);
}

/**
 * Runs one unit test in a DuckDB of its own: the inputs as tables named like the model's refs (so the compiled SELECT
 * runs unchanged, its templates reading their columns and querying them as in a run), the SELECT into `actual`, the expected rows cast to its column types, and both compared as
 * multisets on the columns `expect` names (all of them when it expects no row). A failing row is in `sample` with
 * `_diff`: `+` returned but not expected, `-` expected but not returned.
 */
async function runUnitTest(
  m: SqlModel,
  t: UnitTest,
  { vars, columnsOf, macros }: { vars?: RunVars; columnsOf: ColumnsOf; macros?: readonly MacroFile[] },
): Promise<TestOutcome> {
  const outcome = (o: Partial<TestOutcome>): TestOutcome => ({
    model: m.id,
    test: `unit:${t.name}`,
    passed: false,
    failingRows: 0,
    sample: [],
    ...o,
  });
  const db = await DuckDbRunner.open();
  try {
    const given = new Map(t.given.map((g) => [g.input, g.rows]));
    const tables = new Set([...m.refs.map((r) => r.target), ...given.keys()]);
    const ctx = { vars, incremental: t.incremental, macros };
    if (compileModel(m, ctx).readsSelf) tables.add(m.id);
    for (const table of tables) await createInput(db, table, given.get(table) ?? [], await columnsOf(table));
    // Rendered again as a run renders it, over the inputs: `execute` true, their columns (dbt's `adapter`,
    // `dbt_utils.star`) and `run_query()` answered from the test's own rows.
    const columns = new Map<string, SqlColumn[]>();
    if (asksColumns({ macros }, m.sql)) {
      for (const table of tables) columns.set(table, await db.describe(`SELECT * FROM ${sqlName(table)}`));
    }
    const place = { model: m.id, file: m.file, line: m.sqlLine };
    const compiled = await settledRendering(db, place, (queries) => compileModel(m, { ...ctx, columns, queries }));
    await db.exec(`CREATE TABLE __rat_actual AS ${compiled.sql}`);
    const actual = await db.describe('SELECT * FROM __rat_actual');
    const typeOf = new Map(actual.map((c) => [c.name, c.type]));
    const expected = [...new Set(t.expect.flatMap((r) => Object.keys(r)))];
    const missing = expected.filter((c) => !typeOf.has(c));
    if (missing.length)
      throw new UnitTestSetupError(`expect names ${missing.join(', ')}, which the model does not return`);
    const cols = expected.length ? expected : actual.map((c) => c.name);
    const values = valuesOf(t.expect, cols);
    await db.exec(
      values
        ? `CREATE TABLE __rat_expected AS SELECT ${cols.map((c) => `CAST(v.${ident(c)} AS ${typeOf.get(c)}) AS ${ident(c)}`).join(', ')} FROM (${values}) AS v(${cols.map(ident).join(', ')})`
        : `CREATE TABLE __rat_expected AS SELECT ${cols.map(ident).join(', ')} FROM __rat_actual LIMIT 0`,
    );
    const list = cols.map(ident).join(', ');
    const diff = `SELECT '+' AS _diff, * FROM (SELECT ${list} FROM __rat_actual EXCEPT ALL SELECT ${list} FROM __rat_expected)
      UNION ALL SELECT '-' AS _diff, * FROM (SELECT ${list} FROM __rat_expected EXCEPT ALL SELECT ${list} FROM __rat_actual)`;
    const [{ n }] = await db.query(`SELECT count(*) AS n FROM (${diff})`);
    const failing = Number(n);
    const sample = failing ? await db.query(`SELECT * FROM (${diff}) ORDER BY _diff LIMIT 5`) : [];
    return outcome({ passed: failing === 0, failingRows: failing, sample });
  } catch (err) {
    return outcome({ error: (err as Error).message });
  } finally {
    await db.close();
  }
}

/**
 * The unit tests of the SQL models among `models` (dbt's `unit_tests`), each on its own fixed rows; never throws for
 * a failing test. Input columns and types come from `columnsOf` (the run's branch).
 *
 * @example await runUnitTests(plan.steps, { columnsOf, vars }) // [{ model: 'silver.orders', test: 'unit:drops_cancelled', passed: true, … }]
 */
export async function runUnitTests(
  models: Model[],
  o: { columnsOf: ColumnsOf; vars?: RunVars; macros?: readonly MacroFile[] },
): Promise<TestOutcome[]> {
  const out: TestOutcome[] = [];
  for (const m of models) {
    if (m.kind !== 'sql') continue;
    for (const t of m.unitTests) out.push(await runUnitTest(m, t, o));
  }
  return out;
}
