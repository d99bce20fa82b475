/**
 * dbt's thresholds on a data test's failures. A test's SELECT gives its failing rows; `fail_calc` (an aggregate over
 * them, `count(*)` unless set) is its number of failures, and `warn_if` / `error_if` (comparisons, `!=0` unless set)
 * decide whether that number warns or fails. `limit` caps the failing rows read. What a test of severity `warn` meets
 * with `error_if` only warns, as in dbt.
 */
export interface TestThresholds {
  /** An SQL aggregate over the failing rows (`sum(n_records)`). */
  failCalc?: string;
  /** A comparison the failures must meet to warn: an operator and a number (`>10`). */
  warnIf?: string;
  /** The same, to fail. */
  errorIf?: string;
  /** At most this many failing rows are read. */
  limit?: number;
}

/** A test's settings (dbt's names) that decide its outcome: its severity and its thresholds. */
export const OUTCOME_SETTINGS = ['severity', 'error_if', 'warn_if', 'fail_calc', 'limit'];

/**
 * A test's severity (dbt's `severity`: `warn` reports a failing test without failing the run; `error`, the default,
 * fails it) and its thresholds, from its settings; a setting of the wrong shape is `fail`ed with why.
 *
 * @example testOutcome({ severity: 'warn', error_if: '>10' }, fail) // { severity: 'warn', errorIf: '>10' }
 */
export function testOutcome(
  config: Record<string, unknown>,
  fail: (why: string) => never,
): { severity?: 'warn' } & TestThresholds {
  const v = config.severity;
  const severity = v === undefined || v === null ? 'error' : String(v).toLowerCase();
  if (severity !== 'warn' && severity !== 'error') fail('severity must be warn or error');
  return { ...(severity === 'warn' ? { severity: 'warn' as const } : {}), ...testThresholds(config, fail) };
}

/** What a test's thresholds made of its failures. */
export type TestStatus = 'pass' | 'warn' | 'fail';

const CONDITION = /^\s*(==|=|!=|<>|>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;
const DEFAULT_CONDITION = '!=0';
const DEFAULT_CALC = 'count(*)';

/**
 * A test's threshold settings read from its `config:` (dbt's names); a setting of the wrong shape is `fail`ed with why.
 *
 * @example testThresholds({ error_if: '>10', warn_if: '>0' }, fail) // { errorIf: '>10', warnIf: '>0' }
 */
export function testThresholds(config: Record<string, unknown>, fail: (why: string) => never): TestThresholds {
  const out: TestThresholds = {};
  for (const [key, field] of [
    ['warn_if', 'warnIf'],
    ['error_if', 'errorIf'],
  ] as const) {
    const v = config[key];
    if (v === undefined || v === null) continue;
    const m = CONDITION.exec(String(v));
    if (!m || (typeof v !== 'string' && typeof v !== 'number')) {
      fail(`${key} must compare the failures with a number (">10", "!=0"; got ${JSON.stringify(v)})`);
    }
    // Written for DuckDB: SQL's `=` and `!=` for Python's spellings.
    const op = m![1] === '==' ? '=' : m![1] === '<>' ? '!=' : m![1]!;
    out[field] = `${op}${m![2]}`;
  }
  if (config.fail_calc !== undefined && config.fail_calc !== null) {
    if (typeof config.fail_calc !== 'string' || !config.fail_calc.trim() || config.fail_calc.includes(';')) {
      fail(`fail_calc must be an SQL aggregate over the failing rows ("count(*)", "sum(n_records)")`);
    }
    out.failCalc = (config.fail_calc as string).trim();
  }
  if (config.limit !== undefined && config.limit !== null) {
    const n = config.limit;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail(`limit must be a whole number above 0`);
    out.limit = n as number;
  }
  return out;
}

/**
 * The query over a test's failing rows that gives its number of failures and whether they warn or fail (dbt's
 * `get_test_sql`): one row of `failures`, `should_warn`, `should_error`.
 *
 * @example outcomeSql('SELECT * FROM t WHERE x IS NULL', {}) // SELECT count(*) AS failures, … FROM (…) AS failing
 */
export function outcomeSql(failingSql: string, t: TestThresholds): string {
  const calc = t.failCalc ?? DEFAULT_CALC;
  const rows = t.limit === undefined ? `${failingSql}\n` : `SELECT * FROM (${failingSql}\n) LIMIT ${t.limit}`;
  // A comparison with NULL (fail_calc's sum over no rows) meets nothing, as in dbt.
  const meets = (condition: string | undefined) => `coalesce((${calc}) ${condition ?? DEFAULT_CONDITION}, false)`;
  return (
    `SELECT ${calc} AS failures, ${meets(t.warnIf)} AS should_warn, ${meets(t.errorIf)} AS should_error` +
    ` FROM (${rows}) AS failing`
  );
}

/**
 * A test's status from its outcome row: a test of severity error fails when `error_if` holds, and any test warns when
 * `warn_if` does.
 */
export function testStatus(severity: 'warn' | undefined, shouldWarn: boolean, shouldError: boolean): TestStatus {
  if (severity !== 'warn' && shouldError) return 'fail';
  return shouldWarn ? 'warn' : 'pass';
}

/**
 * The comparison a warning or failure met, as dbt words it (`configured to fail if >10`), when the test sets a
 * threshold or counts its failures with `fail_calc` (otherwise a failing row fails, and saying so adds nothing).
 */
export function metThreshold(t: TestThresholds, status: TestStatus): string | undefined {
  if (status === 'pass' || (t.warnIf ?? t.errorIf ?? t.failCalc) === undefined) return undefined;
  return `configured to ${status} if ${(status === 'fail' ? t.errorIf : t.warnIf) ?? DEFAULT_CONDITION}`;
}
