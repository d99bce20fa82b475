import type { SqlRunner } from '../sql/sql-runner.ts';
import { ident, lit } from '../sql/sql-runner.ts';
import { compileSql } from '../pipeline/loader.ts';
import type { RunVars } from '../pipeline/compile.ts';
import type { DataTest, Model } from '../pipeline/model.ts';
import { sqlName } from './tables.ts';

export interface TestOutcome {
  model: string;
  test: string;
  passed: boolean;
  /** A test of severity `warn` (dbt's): its failure is reported and does not fail the run. */
  severity?: 'warn';
  failingRows: number;
  /** Up to 5 failing rows. */
  sample: Record<string, unknown>[];
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
  }
}

/** The SELECT whose rows are a test's failures. */
export function testSql(model: Model, t: DataTest, vars?: RunVars): string {
  const self = sqlName(model.id);
  const where = 'where' in t && t.where ? ` AND (${t.where})` : '';
  const whereOnly = 'where' in t && t.where ? ` WHERE ${t.where}` : '';
  switch (t.kind) {
    case 'not_null':
      return `SELECT * FROM ${self} WHERE (${t.columns.map((c) => `${ident(c)} IS NULL`).join(' OR ')})${where}`;
    case 'unique': {
      const cols = t.columns.map(ident).join(', ');
      return `SELECT ${cols}, count(*) AS n FROM ${self}${whereOnly} GROUP BY ${cols} HAVING count(*) > 1`;
    }
    case 'accepted_values':
      return `SELECT * FROM ${self} WHERE ${ident(t.column)} IS NOT NULL AND CAST(${ident(t.column)} AS VARCHAR) NOT IN (${t.values
        .map((v) => lit(String(v)))
        .join(', ')})${where}`;
    case 'relationships':
      return `SELECT * FROM ${self} AS c WHERE c.${ident(t.column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${sqlName(
        t.to,
      )} AS p WHERE p.${ident(t.field)} = c.${ident(t.column)})${where}`;
    case 'sql':
      return compileSql(t.sql, model.id, vars);
  }
}

const warn = (t: DataTest): Pick<TestOutcome, 'severity'> => (t.severity ? { severity: t.severity } : {});

/** Whether a test's outcome fails the run: it did not pass and is not a warning. */
export const failsRun = (t: TestOutcome): boolean => !t.passed && t.severity !== 'warn';

/** Runs a model's data tests against the current views; never throws for a failing test. */
export async function runTests(sql: SqlRunner, model: Model, vars?: RunVars): Promise<TestOutcome[]> {
  const out: TestOutcome[] = [];
  for (const t of model.config.tests) {
    const q = testSql(model, t, vars);
    try {
      const [{ n }] = await sql.query(`SELECT count(*) AS n FROM (${q})`);
      const failing = Number(n);
      const sample = failing ? await sql.query(`SELECT * FROM (${q}) LIMIT 5`) : [];
      out.push({ model: model.id, test: testName(t), passed: failing === 0, failingRows: failing, sample, ...warn(t) });
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
