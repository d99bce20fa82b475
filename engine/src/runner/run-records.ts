import { ManagementApiError } from '@ratatouille/catalog-client';
import { DuckDbRunner } from '../sql/duckdb-runner.ts';
import { lit } from '../sql/sql-runner.ts';
import { BranchApi } from './branches.ts';
import { pinnedRef } from './pinned-ref.ts';
import type { TestOutcome } from './data-tests.ts';
import { RUN_BRANCH_PREFIX, RUNS_TABLE, type RunReport } from './run.ts';
import type { StepReport } from './build-step.ts';
import { catalogFor, refreshView, sqlName } from './tables.ts';

/** One pipeline run as `_rat.runs` records it, with its JSON columns parsed. */
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
  status: RunReport['status'];
  steps: StepReport[];
  /** The data tests that did not pass. */
  failures: TestOutcome[];
  /** Set when a step failed (rather than a data test). */
  error: RunReport['error'] | null;
  /** Where the record was found: the target branch, or a kept run branch. */
  foundOn: string;
}

const parsed = <T>(text: unknown, fallback: T): T => {
  if (typeof text !== 'string' || text === '') return fallback;
  try {
    return (JSON.parse(text) as T | null) ?? fallback;
  } catch {
    return fallback;
  }
};

/** `2026-12-03 11:02:03.123` (a TIMESTAMP as text, UTC) → `2026-12-03T11:02:03.123Z`. */
const iso = (text: unknown) => (text ? new Date(`${String(text).replace(' ', 'T')}Z`).toISOString() : '');

/**
 * Past runs: records merged into `branch` plus those on kept (failed) run branches, newest first.
 *
 * @example (await listRuns('http://127.0.0.1:8181', 'main'))[0].failures // [{ model: 'silver.orders', … }]
 */
export async function listRuns(server: string, branch = 'main'): Promise<RunRecord[]> {
  const api = new BranchApi(server);
  const pinned = pinnedRef(branch);
  // A pinned ref (`main@<hash>`) is the data as it was at one commit: the runs merged by then. Failed runs' kept
  // branches are today's, not that commit's, so they are left out. The commit is checked first, so that a wrong
  // hash is the server's 404 rather than an empty list.
  const kept = pinned ? [] : (await api.list()).map((r) => r.name).filter((n) => n.startsWith(RUN_BRANCH_PREFIX));
  if (pinned) await api.read(branch);
  const sql = await DuckDbRunner.open();
  const out: RunRecord[] = [];
  try {
    const sources = [branch, ...kept];
    for (const ref of sources) {
      const catalog = catalogFor(server, ref);
      if (!(await refreshView(sql, catalog, RUNS_TABLE).catch(() => null))) continue;
      const rows = await sql.query(
        `SELECT *, CAST(started_at AS VARCHAR) AS started_text, CAST(finished_at AS VARCHAR) AS finished_text FROM ${sqlName(
          RUNS_TABLE,
        )}${ref === branch ? '' : ` WHERE run_branch = ${lit(ref)}`}`,
      );
      for (const r of rows) {
        if (ref !== branch && r.branch !== branch) continue;
        if (out.some((x) => x.runId === r.run_id)) continue;
        out.push({
          runId: String(r.run_id),
          branch: String(r.branch),
          runBranch: String(r.run_branch),
          codeCommit: String(r.code_commit ?? ''),
          selector: String(r.selector ?? ''),
          startedAt: iso(r.started_text),
          finishedAt: iso(r.finished_text),
          status: r.status as RunReport['status'],
          steps: parsed<StepReport[]>(r.steps, []),
          failures: parsed<TestOutcome[]>(r.failures, []),
          error: parsed<RunReport['error'] | null>(r.error, null),
          foundOn: ref,
        });
      }
    }
  } finally {
    await sql.close();
  }
  return out.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
}

/** The start time a run branch's name carries (`rat-run-20261203-110203-a1b2c3`, UTC), or undefined. */
export function runBranchStart(name: string): Date | undefined {
  const m = /^rat-run-(\d{4})(\d\d)(\d\d)-(\d\d)(\d\d)(\d\d)-[0-9a-f]+$/.exec(name);
  if (!m || !name.startsWith(RUN_BRANCH_PREFIX)) return undefined;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export interface CleanRunsReport {
  /** Run branches deleted (or, on a dry run, that would be). */
  deleted: { name: string; hash: string; startedAt: string }[];
  /** Run branches left in place, and why (younger than the limit, moved meanwhile, not a run branch name). */
  kept: { name: string; reason: 'younger' | 'moved' | 'unnamed' }[];
  dryRun: boolean;
}

/**
 * Deletes the `rat-run-*` branches (kept by failed or killed runs) whose run started more than `olderThanMs` ago.
 * Each delete names the head the listing saw, so the server refuses it if a run is still committing there: that
 * branch is reported as `moved` and stays. With `dryRun`, nothing is deleted.
 *
 * @example await cleanRunBranches('http://127.0.0.1:8181', { olderThanMs: 7 * 86_400_000 })
 */
export async function cleanRunBranches(
  server: string,
  o: { olderThanMs: number; dryRun?: boolean; now?: Date },
): Promise<CleanRunsReport> {
  const api = new BranchApi(server);
  const now = (o.now ?? new Date()).getTime();
  const report: CleanRunsReport = { deleted: [], kept: [], dryRun: o.dryRun === true };
  for (const ref of await api.list()) {
    if (ref.type !== 'BRANCH' || !ref.name.startsWith(RUN_BRANCH_PREFIX)) continue;
    const started = runBranchStart(ref.name);
    if (!started) {
      report.kept.push({ name: ref.name, reason: 'unnamed' });
      continue;
    }
    if (now - started.getTime() < o.olderThanMs) {
      report.kept.push({ name: ref.name, reason: 'younger' });
      continue;
    }
    if (!o.dryRun) {
      try {
        await api.client.deleteReference(ref.name, ref.hash, 'BRANCH');
      } catch (err) {
        if (err instanceof ManagementApiError && (err.status === 409 || err.status === 404)) {
          report.kept.push({ name: ref.name, reason: 'moved' });
          continue;
        }
        throw err;
      }
    }
    report.deleted.push({ name: ref.name, hash: ref.hash, startedAt: started.toISOString() });
  }
  return report;
}
