import type { SqlRunner } from '../sql/sql-runner.ts';
import { ident, lit } from '../sql/sql-runner.ts';
import { compileWithSourceMap, type CompileContext, type RunVars } from '../pipeline/compile.ts';
import type { RelationColumn } from '../pipeline/jinja-adapter.ts';
import { asksColumns, settledRendering } from './compile-for-run.ts';
import type { MacroFile } from '../pipeline/jinja-environment.ts';
import { Relation, yamlDateText } from '../pipeline/jinja-values.ts';
import { testedSource, type DataTest, type Model, type Project, type TestedTable } from '../pipeline/model.ts';
import { sourcesRead } from '../pipeline/ephemeral.ts';
import { testMacroName } from '../pipeline/dbt-utils-tests.ts';
import { sqlName } from './tables.ts';
import type { StoreFailures } from './stored-failures.ts';
import { metThreshold, outcomeSql, testStatus, testOutcome, type TestThresholds } from '../pipeline/test-thresholds.ts';

export interface TestOutcome {
  model: string;
  test: string;
  passed: boolean;
  /**
   * A test of severity `warn` (dbt's), or one whose failures met its `warn_if` and not its `error_if`: its failure is
   * reported and does not fail the run.
   */
  severity?: 'warn';
  /** Its failures: the failing rows, or what its `fail_calc` made of them. */
  failingRows: number;
  /** The threshold its failures met, when it sets one (`configured to fail if >10`). */
  threshold?: string;
  /** Up to 5 failing rows. */
  sample: Record<string, unknown>[];
  /** The table its failing rows were stored in (dbt's `store_failures`), on the branch the tests ran on. */
  storedIn?: string;
  error?: string;
}

/** A short name: `unique(order_id)`, `accepted_values(status)`, `sql:no_negative`. */
export function testName(t: DataTest): string {
  switch (t.kind) {
    case 'not_null':
    case 'unique':
      return `${t.kind}(${t.columns.join(', ')})`;
    case 'accepted_values':
    case 'relationships':
      return `${t.kind}(${t.column})`;
    case 'sql':
      return `sql:${t.name}`;
    case 'generic':
      return t.column === undefined ? t.name : `${t.name}(${t.column})`;
  }
}

/**
 * A generic test's argument as Jinja source: YAML's values as literals, and a text that is a `ref(…)` or
 * `source(…)` call as that call (dbt renders such arguments: `to: ref('customers')`).
 *
 * @example jinjaArgument("ref('silver.customers')") // "ref('silver.customers')"
 */
export function jinjaArgument(v: unknown): string {
  if (typeof v === 'string') return /^\s*(ref|source)\(.*\)\s*$/s.test(v) ? v.trim() : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'none';
  if (v instanceof Date) return JSON.stringify(yamlDateText(v));
  if (Array.isArray(v)) return `[${v.map(jinjaArgument).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${JSON.stringify(k)}: ${jinjaArgument(x)}`)
    .join(', ')}}`;
}

/** A generic test's SELECT: its block called as dbt calls it, `model` the tested table (under `where`, its rows that hold). */
function genericTestQuery(
  model: TestedTable,
  t: Extract<DataTest, { kind: 'generic' }>,
  vars: RunVars | undefined,
  macros: readonly MacroFile[] | undefined,
  data: TestData,
): TestQuery {
  const args = [
    'model=__rat_model',
    ...(t.column === undefined ? [] : [`column_name=${JSON.stringify(t.column)}`]),
    ...Object.entries(t.args).map(([k, v]) => `${k}=${jinjaArgument(v)}`),
  ];
  return compileWithSourceMap(`{{ ${testMacroName(t.name)}(${args.join(', ')}) }}`, model.id, {
    vars,
    macros,
    ...data,
    names: { __rat_model: new Relation(model.id, t.where) },
  });
}

/** What a test's templates read in a run: the tested table's columns, and `run_query()`'s answers. */
type TestData = Pick<CompileContext, 'columns' | 'queries'>;

/** A test's SELECT of its failures, and the settings its templates' `config(…)` gave (a generic test's block). */
export interface TestQuery {
  sql: string;
  configured: Record<string, unknown>;
}

/** The SELECT whose rows are a test's failures. */
export function testSql(
  model: TestedTable,
  t: DataTest,
  vars?: RunVars,
  macros?: readonly MacroFile[],
  data: TestData = {},
): string {
  return testQuery(model, t, vars, macros, data).sql;
}

/** A test's {@link TestQuery}. */
function testQuery(
  model: TestedTable,
  t: DataTest,
  vars?: RunVars,
  macros?: readonly MacroFile[],
  data: TestData = {},
): TestQuery {
  const plain = (sql: string): TestQuery => ({ sql, configured: {} });
  const self = sqlName(model.id);
  const where = 'where' in t && t.where ? ` AND (${t.where})` : '';
  const whereOnly = 'where' in t && t.where ? ` WHERE ${t.where}` : '';
  switch (t.kind) {
    case 'not_null':
      return plain(`SELECT * FROM ${self} WHERE (${t.columns.map((c) => `${ident(c)} IS NULL`).join(' OR ')})${where}`);
    case 'unique': {
      const cols = t.columns.map(ident).join(', ');
      return plain(`SELECT ${cols}, count(*) AS n FROM ${self}${whereOnly} GROUP BY ${cols} HAVING count(*) > 1`);
    }
    case 'accepted_values':
      return plain(
        `SELECT * FROM ${self} WHERE ${ident(t.column)} IS NOT NULL AND CAST(${ident(t.column)} AS VARCHAR) NOT IN (${t.values
          .map((v) => lit(String(v)))
          .join(', ')})${where}`,
      );
    case 'relationships':
      return plain(
        `SELECT * FROM ${self} AS c WHERE c.${ident(t.column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${sqlName(
          t.to,
        )} AS p WHERE p.${ident(t.field)} = c.${ident(t.column)})${where}`,
      );
    case 'sql':
      return compileWithSourceMap(t.sql, model.id, { vars, macros, refIds: t.refIds, ...data });
    case 'generic':
      return genericTestQuery(model, t, vars, macros, data);
  }
}

/**
 * A test's severity and thresholds: its own (a property file's, a singular test's header) over those its block's
 * `config(…)` gave, as in dbt (dbt_utils' fewer_rows_than counts its failures with `fail_calc` so).
 */
function outcomeSettings(
  t: DataTest,
  configured: Record<string, unknown>,
): Pick<DataTest, 'severity'> & TestThresholds {
  const fail = (why: string): never => {
    throw new Error(`config(): ${why}`);
  };
  const block = testOutcome(configured, fail);
  const own = { severity: t.severity, failCalc: t.failCalc, warnIf: t.warnIf, errorIf: t.errorIf, limit: t.limit };
  return { ...block, ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)) };
}

const warn = (t: Pick<DataTest, 'severity'>): Pick<TestOutcome, 'severity'> =>
  t.severity ? { severity: t.severity } : {};

/** What a test's outcome found, in a line: `3 failing row(s)`, `got 12, configured to warn if >10`, or its error. */
export const outcomeText = (t: TestOutcome): string =>
  t.error ?? (t.threshold ? `got ${t.failingRows}, ${t.threshold}` : `${t.failingRows} failing row(s)`);

/** Whether a test's outcome fails the run: it did not pass and is not a warning. */
export const failsRun = (t: TestOutcome): boolean => !t.passed && t.severity !== 'warn';

/**
 * Runs a model's data tests against the current views; never throws for a failing test. With `store`, each test's
 * failing rows are stored where its settings say (dbt's `store_failures`); a test whose rows cannot be stored errs.
 */
export async function runTests(
  sql: SqlRunner,
  model: TestedTable,
  vars?: RunVars,
  macros?: readonly MacroFile[],
  store?: StoreFailures,
): Promise<TestOutcome[]> {
  const out: TestOutcome[] = [];
  // A test's templates read the tested table's columns (dbt's `adapter`) and run queries, as a model's do.
  const columns = new Map<string, RelationColumn[]>();
  const place = { model: model.id, file: model.file, line: 1 };
  for (const t of model.config.tests) {
    try {
      if (!columns.size && asksColumns({ macros }, t.kind === 'sql' ? t.sql : '')) {
        columns.set(model.id, await sql.describe(`SELECT * FROM ${sqlName(model.id)}`));
      }
      const query = await settledRendering(sql, place, (queries) =>
        testQuery(model, t, vars, macros, { columns, queries }),
      );
      const q = query.sql;
      const settings = outcomeSettings(t, query.configured);
      const [row] = await sql.query(outcomeSql(q, settings));
      const status = testStatus(settings.severity, row!.should_warn === true, row!.should_error === true);
      const threshold = metThreshold(settings, status);
      const storedIn = await store?.(model, t, q, query.configured);
      out.push({
        model: model.id,
        test: testName(t),
        passed: status === 'pass',
        failingRows: Number(row!.failures ?? 0),
        sample: status === 'pass' ? [] : await sql.query(`SELECT * FROM (${q}\n) LIMIT 5`),
        ...(status === 'warn' ? { severity: 'warn' as const } : warn(settings)),
        ...(threshold ? { threshold } : {}),
        ...(storedIn ? { storedIn } : {}),
      });
    } catch (err) {
      out.push({
        model: model.id,
        test: testName(t),
        passed: false,
        failingRows: 0,
        sample: [],
        error: (err as Error).message,
        ...warn(t),
      });
    }
  }
  return out;
}

/** The tables a model's data tests read besides its own (a relationships test's `to`, a singular test's refs, …). */
export function testTargets(m: TestedTable): string[] {
  return m.config.tests
    .flatMap((t) => {
      if (t.kind === 'relationships') return [t.to];
      if (t.kind === 'sql') return t.reads ?? [];
      if (t.kind !== 'generic') return [];
      // Table arguments are `ref('<id>')` once read (see parseGenericTest).
      return Object.values(t.args).flatMap((v) => (typeof v === 'string' ? [/^ref\('([^']+)'\)$/.exec(v)?.[1]] : []));
    })
    .filter((id): id is string => id !== undefined);
}

/**
 * What a run of `steps` tests: each step's table, then each source they read that has tests (dbt's tests on a source
 * run in the builds that read it). A source's tests read its table on the branch as the steps found it.
 *
 * @example testedTables(project, plan.steps).map((t) => t.id) // ['silver.orders', 'raw.sales_v2']
 */
export function testedTables(project: Project, steps: readonly Model[]): TestedTable[] {
  const sources = sourcesRead(project, steps).filter((t) => t.tests?.length);
  return [...steps, ...sources.map(testedSource)];
}
