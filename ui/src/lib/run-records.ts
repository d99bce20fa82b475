/**
 * The engine's run records (`_rat.runs`, one row per pipeline run) as the UI shows them. The table is read through the
 * preview endpoint, whose values are text; the `steps`, `failures` and `error` columns hold JSON written by the engine.
 */

/**
 * One built step of a run (a model or source): the engine's StepReport, restated because the engine package's types
 * bring Node's into the browser build.
 */
export interface RunStep {
  step: string;
  rows: number;
  files: number;
  skipped: number;
  rejected: number;
  ms: number;
  note?: string;
}

/** A data test that did not pass (the engine records only those); one of severity `warn` failed nothing. */
export interface RunFailure {
  model: string;
  test: string;
  severity?: 'warn';
  /** Its failing rows, or what its `fail_calc` counted. */
  failingRows: number;
  /** The threshold they met (`configured to warn if >10`), when the test sets one. */
  threshold?: string;
  sample?: Array<Record<string, unknown>>;
  /** The table all its failing rows were stored in (dbt's `store_failures`), on the run's branch. */
  storedIn?: string;
  error?: string;
}

export interface RunRecord {
  runId: string;
  /** The data branch the run targeted. */
  branch: string;
  /** The `rat-run-*` branch it built on (kept when the run failed). */
  runBranch: string;
  codeCommit: string;
  selector: string;
  /** ISO-8601 UTC. */
  startedAt: string;
  finishedAt: string;
  status: string;
  steps: RunStep[];
  failures: RunFailure[];
  /** Set when a step failed (rather than a data test). */
  error: { step: string; code: string; message: string } | null;
  /** The reference the record was read from: the target branch, or the kept run branch of a failed run. */
  foundOn: string;
}

/** Column names and text rows, as the preview endpoint answers. */
export interface TextTable {
  columns: Array<{ name: string }>;
  rows: Array<Array<string | null>>;
}

function json<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return (JSON.parse(text) as T | null) ?? fallback;
  } catch {
    return fallback;
  }
}

/** A preview timestamp (`2026-12-03T11:02:03.123456`, UTC without a zone) as ISO-8601 with `Z`. */
function utc(text: string | null | undefined): string {
  if (!text) return '';
  return /[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text.slice(0, 23)}Z`;
}

/**
 * Run records from a preview of `_rat.runs` read on `foundOn`, keeping those that target `branch` (a kept run
 * branch holds its own run's record plus those merged before it forked, which the target branch lists already).
 *
 * @example runRecords({ columns, rows }, 'main', 'rat-run-20261203-110203-a1b2c3') // that run's record, if it targeted main
 */
export function runRecords(table: TextTable, branch: string, foundOn: string): RunRecord[] {
  const col = new Map(table.columns.map((c, i) => [c.name, i]));
  const get = (row: Array<string | null>, name: string) => {
    const i = col.get(name);
    return i === undefined ? null : (row[i] ?? null);
  };
  const out: RunRecord[] = [];
  for (const row of table.rows) {
    const r: RunRecord = {
      runId: get(row, 'run_id') ?? '',
      branch: get(row, 'branch') ?? '',
      runBranch: get(row, 'run_branch') ?? '',
      codeCommit: get(row, 'code_commit') ?? '',
      selector: get(row, 'selector') ?? '',
      startedAt: utc(get(row, 'started_at')),
      finishedAt: utc(get(row, 'finished_at')),
      status: get(row, 'status') ?? '',
      steps: json<RunStep[]>(get(row, 'steps'), []),
      failures: json<RunFailure[]>(get(row, 'failures'), []),
      error: json<RunRecord['error']>(get(row, 'error'), null),
      foundOn,
    };
    if (r.branch !== branch) continue;
    if (foundOn !== branch && r.runBranch !== foundOn) continue;
    out.push(r);
  }
  return out;
}

/** Records from several references, one per run id (the first seen wins), newest first. */
export function mergeRunRecords(lists: RunRecord[][]): RunRecord[] {
  const seen = new Map<string, RunRecord>();
  for (const r of lists.flat()) if (!seen.has(r.runId)) seen.set(r.runId, r);
  return [...seen.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
}

/** A run's wall time from its record (`1.2 s`, `3 min 4 s`), or '' when a time is missing. */
export function runDuration(r: Pick<RunRecord, 'startedAt' | 'finishedAt'>): string {
  const ms = Date.parse(r.finishedAt) - Date.parse(r.startedAt);
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
