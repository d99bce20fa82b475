import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IcebergRestClient } from '@ratatouille/catalog-client';
import { PROVENANCE } from '@ratatouille/iceberg/lockstep';
import { FULL_REFRESH_PROPERTY } from '@ratatouille/iceberg';
import { DuckDbRunner } from '../sql/duckdb-runner.ts';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { lit } from '../sql/sql-runner.ts';
import { writeTable } from '../iceberg/writer.ts';
import { runVarsJson, type RunVars } from '../pipeline/compile.ts';
import { plan as planSteps, type Plan, type PlanOptions, type SelectorState } from '../pipeline/planner.ts';
import type { Project } from '../pipeline/model.ts';
import { runsUnitTests, testTypeTerms } from '../pipeline/test-types.ts';
import { BranchApi } from './branches.ts';
import { pinnedRef, ReadOnlyRefError } from './pinned-ref.ts';
import { failsRun, runTests, testedTables, testTargets, type TestOutcome } from './data-tests.ts';
import { failureStorer } from './stored-failures.ts';
import { testOnBranch } from './test-branch.ts';
import { inferringColumns } from './inferred-columns.ts';
import { runScheduled } from './schedule.ts';
import { parseMemoryLimit } from './memory-limit.ts';
import { catalogFor, refreshView, tableIdent } from './tables.ts';
import type { FullRefresh } from './full-refresh.ts';
import { buildStep, FULL_REFRESH_NOTE, type StepReport } from './build-step.ts';
import { columnsOn, runUnitTests } from './unit-tests.ts';
import { tableInputs } from '../pipeline/ephemeral.ts';
import { compactTables, type TableCompaction } from './compact.ts';

/** Table of run records, on the data branch (a failed run's record stays on its kept run branch). */
export const RUNS_TABLE = '_rat.runs';
/** Prefix of the temporary branch each run builds on. */
export const RUN_BRANCH_PREFIX = 'rat-run-';
/** Set to `true` beside `rat.code-commit` when the run's working tree differed from that commit. */
export const CODE_DIRTY = PROVENANCE.codeDirty;

/** The provenance every snapshot and the merge commit of a run carry. */
function runProperties(runId: string, o: RunOptions): Record<string, string> {
  return {
    [PROVENANCE.runId]: runId,
    [PROVENANCE.codeCommit]: o.codeCommit ?? '',
    ...(o.codeDirty ? { [CODE_DIRTY]: 'true' } : {}),
  };
}

export type RunEvent =
  | { type: 'plan'; steps: string[]; branch: string; runBranch: string }
  | { type: 'step-start'; step: string; index: number; total: number }
  | ({ type: 'step-end' } & StepReport)
  | { type: 'test'; outcome: TestOutcome }
  | { type: 'merge'; into: string }
  | { type: 'info'; message: string };

export interface RunOptions {
  project: Project;
  server: string;
  /** Target data branch (default `main`). */
  branch?: string;
  selector?: string;
  /**
   * The run's variables (`{{ var('name') }}` in models and SQL tests): `vars:` of rat.yaml under `--vars`. The run's
   * merge commit records them in `rat.vars` (JSON).
   */
  vars?: RunVars;
  /** What the selector's `state:modified` selects (the models whose files changed since a baseline). */
  state?: SelectorState;
  /** Models left out of the selection, in the selector's syntax (dbt's `--exclude`). */
  exclude?: string;
  /** Only run the unit tests and data tests of the selected models (no build, no merge). */
  testsOnly?: boolean;
  codeCommit?: string;
  /**
   * The working tree had changes besides `codeCommit` (edited or new files): the results are not that commit's code,
   * so every snapshot and the merge commit also carry `rat.code-dirty: true`.
   */
  codeDirty?: boolean;
  onEvent?: (e: RunEvent) => void;
  /** Create the target branch from `main` when it does not exist (default true). */
  createBranch?: boolean;
  sql?: SqlRunner;
  /**
   * How many models may build at once (default 1): a model starts as soon as the models it reads have been built,
   * each in its own DuckDB; all results still reach the target branch in the run's one merge.
   */
  threads?: number;
  /**
   * DuckDB's memory budget for the whole run (`4GB`, `512MiB`), shared evenly by the `threads` DuckDBs; larger
   * operators spill to a temporary folder of the run, removed at its end.
   */
  memoryLimit?: string;
  /**
   * dbt's `--full-refresh`: `true` replaces every selected `incremental` model's table with its SELECT's whole result
   * (columns included) instead of appending or upserting; a list, only the models named. A model's own
   * `full_refresh` setting wins. The run's merge commit names the refreshed models in `rat.full-refresh`.
   */
  fullRefresh?: FullRefresh;
  /**
   * dbt's `--event-time-start` / `--event-time-end`: a microbatch model builds the batches between them (a backfill)
   * instead of its lookback.
   */
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
  /**
   * After the steps and their tests pass, compact the tables the run wrote (see `compactTables`), on the run branch:
   * the compactions reach the target in the run's one merge.
   */
  compact?: boolean;
  /**
   * dbt's `--store-failures`: every test run stores its failing rows (see `failuresTable`), whatever its settings say;
   * without it, the tests whose settings (or rat.yaml's `data_tests:`) say so.
   */
  storeFailures?: boolean;
}

export interface RunReport {
  runId: string;
  branch: string;
  runBranch: string;
  status: 'success' | 'failed';
  steps: StepReport[];
  tests: TestOutcome[];
  /** Set when a step failed (not a data test); `data` is the error's structured data (e.g. a model's file and line). */
  error?: { step: string; code: string; message: string; data?: Record<string, unknown> };
  /** True when the run branch was kept for inspection. */
  keptRunBranch: boolean;
  /** The target branch's head right after the run's merge (a successful run only): the data this run produced. */
  dataHash?: string;
  /** With `compact`: what compaction did to each table the run built. */
  compactions?: TableCompaction[];
}

export function newRunId(): string {
  const d = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${d}-${randomBytes(3).toString('hex')}`;
}

/** Plans without touching anything (for `--dry-run`). */
export function dryRun(project: Project, selector?: string, o: PlanOptions = {}): Plan {
  return planSteps(project, selector, o);
}

/** Commit property of a run's merge: the variables the run was given, as JSON. */
export const VARS_PROPERTY = 'rat.vars';

async function recordRun(sql: SqlRunner, catalog: IcebergRestClient, r: RunReport, o: RunOptions, started: Date) {
  const j = (v: unknown) => lit(JSON.stringify(v));
  const row = `SELECT ${lit(r.runId)} AS run_id, ${lit(r.branch)} AS branch, ${lit(r.runBranch)} AS run_branch, ${lit(
    o.codeCommit ?? '',
  )} AS code_commit, ${lit(o.selector ?? '')} AS selector, TIMESTAMP ${lit(
    started.toISOString().replace('T', ' ').replace('Z', ''),
  )} AS started_at, TIMESTAMP ${lit(new Date().toISOString().replace('T', ' ').replace('Z', ''))} AS finished_at, ${lit(
    r.status,
  )} AS status, ${j(r.steps)} AS steps, ${j(r.tests.filter((t) => !t.passed))} AS failures, ${j(r.error ?? null)} AS error`;
  await writeTable(sql, catalog, tableIdent(RUNS_TABLE), row, {
    mode: 'append',
    properties: runProperties(r.runId, o),
  });
}

/**
 * Runs a pipeline as a transaction: forks `rat-run-<id>` from the target branch, builds every selected step there,
 * runs their data tests, and merges into the target only if all pass. On failure the target is untouched and the
 * run branch is kept (the report names the failing test and rows). Every snapshot carries `rat.run-id` and
 * `rat.code-commit`; the run is recorded in `_rat.runs`.
 *
 * @example const report = await runPipeline({ project: loadProject('.'), server: 'http://127.0.0.1:8181' })
 */
export async function runPipeline(o: RunOptions): Promise<RunReport> {
  const emit = o.onEvent ?? (() => {});
  const branch = o.branch ?? 'main';
  const runId = newRunId();
  const started = new Date();
  // dbt's `test_type:` picks the kinds of test `rat test` runs (the planner refuses it for a run, which builds).
  const { types: testTypes, selector } = o.testsOnly ? testTypeTerms(o.selector) : { selector: o.selector };
  const plan = planSteps(o.project, selector, { state: o.state, exclude: o.exclude });
  const budget = o.memoryLimit ? parseMemoryLimit(o.memoryLimit) : undefined;
  const api = new BranchApi(o.server);
  // A pinned ref (`main@<hash>`, a detached checkout's data) can be tested, never built on.
  const pinned = pinnedRef(branch);
  if (pinned && !o.testsOnly) throw new ReadOnlyRefError(branch, pinned.name);
  let target = await (pinned ? api.read(branch) : api.get(branch)).catch(async (err) => {
    if (o.createBranch === false) throw err;
    if ((err as { status?: number }).status !== 404) throw err;
    const created = await api.createBranch(branch, await api.get('main'));
    // Said once the server accepted the name: an invalid name fails above with the server's naming rule.
    emit({ type: 'info', message: `data branch ${branch} did not exist: created from main` });
    return created;
  });
  const threads = Math.max(1, Math.floor(o.threads ?? 1));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rat-run-'));
  const openRunner = (worker: number) =>
    DuckDbRunner.open({
      ...(budget ? { memoryLimit: `${Math.floor(budget / threads)}B` } : {}),
      tempDirectory: path.join(tmp, `duckdb-${worker}`),
      ...(threads > 1 ? { threads: Math.max(1, Math.floor(os.availableParallelism() / threads)) } : {}),
    });
  const runners: SqlRunner[] = [];
  const sql = o.sql ?? (await openRunner(0));
  runners[0] = sql;
  const report: RunReport = {
    runId,
    branch,
    runBranch: branch,
    status: 'success',
    steps: [],
    tests: [],
    keptRunBranch: false,
  };
  try {
    // Unit tests first: they need no data, and a failing one stops a run before anything is written.
    // An input the branch has not built yet takes the columns the project says it will have.
    const inferred = inferringColumns(o.project, columnsOn(sql, catalogFor(o.server, branch)), { vars: o.vars });
    const unitTests = await runUnitTests(runsUnitTests(testTypes) ? [...plan.ephemeral, ...plan.steps] : [], {
      columnsOf: inferred.columnsOf,
      vars: o.vars,
      macros: o.project.macros,
    }).finally(() => inferred.close());
    for (const t of unitTests) {
      report.tests.push(t);
      emit({ type: 'test', outcome: t });
    }
    if (!o.testsOnly && report.tests.some(failsRun)) {
      report.status = 'failed';
      return report;
    }
    const runBranch = `${RUN_BRANCH_PREFIX}${runId}`;
    if (o.testsOnly) {
      emit({ type: 'plan', steps: plan.steps.map((m) => m.id), branch, runBranch: branch });
      await testOnBranch(sql, {
        ...o,
        plan,
        branch,
        workBranch: runBranch,
        runProperties: runProperties(runId, o),
        runId,
        testTypes,
        onTest: (t) => {
          report.tests.push(t);
          emit({ type: 'test', outcome: t });
        },
        onInfo: (message) => emit({ type: 'info', message }),
      });
      report.status = report.tests.some(failsRun) ? 'failed' : 'success';
      return report;
    }
    report.runBranch = runBranch;
    await api.createBranch(runBranch, target);
    emit({ type: 'plan', steps: plan.steps.map((m) => m.id), branch, runBranch });
    const catalog = catalogFor(o.server, runBranch);
    const properties = runProperties(runId, o);
    const store = failureStorer(sql, async () => catalog, {
      defaults: { ...o.project.testDefaults, all: o.storeFailures },
      properties,
      reads: testTargets,
    });
    const built = new Map<string, StepReport>();
    const steps = plan.steps.map((m, index) => ({ id: m.id, after: tableInputs(o.project, m), m, index }));
    try {
      await runScheduled(steps, threads, async ({ m, index }, worker) => {
        runners[worker] ??= await openRunner(worker);
        emit({ type: 'step-start', step: m.id, index, total: plan.steps.length });
        try {
          const s = await buildStep(runners[worker]!, catalog, o.project, m, {
            runId,
            properties,
            now: started,
            ref: runBranch,
            fullRefresh: o.fullRefresh,
            vars: o.vars,
            target: branch,
            eventTimeStart: o.eventTimeStart,
            eventTimeEnd: o.eventTimeEnd,
          });
          built.set(m.id, s);
          emit({ type: 'step-end', ...s });
        } catch (err) {
          throw Object.assign(new StepFailure(m.id), { cause: err });
        }
      });
    } catch (err) {
      if (!(err instanceof StepFailure)) throw err;
      const e = err.cause as { code?: string; message: string; data?: Record<string, unknown> };
      report.status = 'failed';
      report.error = {
        step: err.step,
        code: e.code ?? 'ERROR',
        message: e.message,
        ...(e.data ? { data: e.data } : {}),
      };
    }
    for (const m of plan.steps) if (built.has(m.id)) report.steps.push(built.get(m.id)!);
    if (report.status === 'success') {
      for (const m of testedTables(o.project, plan.steps)) {
        // Models built in another DuckDB (--threads), and sources, are made visible to this one first.
        const own = threads > 1 || m.sourceName !== undefined ? [m.id] : [];
        for (const id of [...own, ...testTargets(m)]) await refreshView(sql, catalog, id);
        for (const t of await runTests(sql, m, o.vars, o.project.macros, store)) {
          report.tests.push(t);
          emit({ type: 'test', outcome: t });
        }
      }
      if (report.tests.some(failsRun)) report.status = 'failed';
    }
    if (report.status === 'success' && o.compact) {
      const tables = report.steps.map((x) => x.step);
      report.compactions = await compactTables({
        server: o.server,
        branch: runBranch,
        tables,
        memoryLimit: o.memoryLimit,
      });
      for (const c of report.compactions.filter((x) => x.status === 'compacted')) {
        emit({ type: 'info', message: `compacted ${c.table}: ${c.filesRewritten} small files into ${c.filesWritten}` });
      }
    }
    await recordRun(sql, catalog, report, o, started).catch((err) =>
      emit({ type: 'info', message: `could not record the run: ${(err as Error).message}` }),
    );
    if (report.status === 'success') {
      const head = await api.get(runBranch);
      const refreshed = report.steps.filter((s) => s.note === FULL_REFRESH_NOTE).map((s) => s.step);
      report.dataHash = await api.merge(
        branch,
        head,
        `rat run ${runId}${o.codeCommit ? ` (code ${o.codeCommit.slice(0, 12)}${o.codeDirty ? ', uncommitted changes' : ''})` : ''}`,
        {
          ...properties,
          ...(refreshed.length ? { [FULL_REFRESH_PROPERTY]: refreshed.join(',') } : {}),
          ...(o.vars && Object.keys(o.vars).length ? { [VARS_PROPERTY]: runVarsJson(o.vars) } : {}),
        },
      );
      emit({ type: 'merge', into: branch });
      await api.deleteBranch(runBranch);
    } else {
      report.keptRunBranch = true;
    }
    target = await api.get(branch);
    return report;
  } finally {
    for (const [i, r] of runners.entries()) if (r && (i > 0 || !o.sql)) await r.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A step that failed, carrying the step's own error as `cause`. */
class StepFailure extends Error {
  constructor(readonly step: string) {
    super(`step ${step} failed`);
  }
}
