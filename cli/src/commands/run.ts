import { InvalidArgumentError, type Command } from 'commander';
import { serverOption } from '../server-url.ts';
import {
  cleanRunBranches,
  dryRun,
  outcomeText,
  parseBatchTime,
  parseMemoryLimit,
  refreshesModel,
  runPipeline,
  type Model,
  type RunEvent,
  type RunOptions,
  type RunReport,
} from '@ratatouille/engine';
import { reportError } from '../errors.ts';
import { runVarsOption, selectOption, selectorOf, storeFailuresOption, wholeNumber } from '../options.ts';
import { linkRunToHead, uncommittedWarning } from './run-code-link.ts';
import { selectorState, withExcluded, type ResolvedState } from './run-state.ts';
import { resolveEngineTarget, type EngineTarget } from './engine-target.ts';

/** Progress: a live line on a terminal, plain lines otherwise. */
export function progressPrinter(): (e: RunEvent) => void {
  const tty = process.stdout.isTTY;
  let live = '';
  const clear = () => {
    if (tty && live) process.stdout.write(`\r${' '.repeat(live.length)}\r`);
    live = '';
  };
  return (e) => {
    switch (e.type) {
      case 'plan':
        console.log(
          `plan: ${e.steps.length} step(s) on ${e.branch}${e.runBranch !== e.branch ? ` (building on ${e.runBranch})` : ''}`,
        );
        break;
      case 'step-start':
        if (tty) {
          live = `[${e.index + 1}/${e.total}] ${e.step} …`;
          process.stdout.write(live);
        }
        break;
      case 'step-end': {
        clear();
        const parts = [`${e.rows} rows`, `${e.files} files`];
        if (e.skipped) parts.push(`${e.skipped} skipped`);
        if (e.rejected) parts.push(`${e.rejected} rejected`);
        if (e.note) parts.push(e.note);
        console.log(`  ✓ ${e.step.padEnd(28)} ${parts.join(', ')}  (${(e.ms / 1000).toFixed(2)}s)`);
        for (const message of e.logs ?? []) console.log(`      log: ${message}`);
        break;
      }
      case 'test':
        if (!e.outcome.passed) {
          const mark = e.outcome.severity === 'warn' ? '⚠ warn:' : '✗';
          const stored = e.outcome.storedIn ? ` (stored in ${e.outcome.storedIn})` : '';
          console.log(`  ${mark} test ${e.outcome.model} ${e.outcome.test}: ${outcomeText(e.outcome)}${stored}`);
          for (const row of e.outcome.sample) console.log(`      ${JSON.stringify(row)}`);
        }
        break;
      case 'merge':
        console.log(`merged into ${e.into}`);
        break;
      case 'info':
        console.log(e.message);
        break;
    }
  };
}

/**
 * After a run, with `runs.keepFailed` in rat.yaml: deletes the run branches of failed runs older than that (the branch
 * this run just kept included when the setting is `0`). Returns the deleted names.
 */
export async function cleanKeptRuns(t: EngineTarget): Promise<string[]> {
  if (t.keepFailedRuns === undefined) return [];
  const { parseRetention } = await import('@ratatouille/catalog-server');
  const report = await cleanRunBranches(t.server, { olderThanMs: parseRetention(t.keepFailedRuns) ?? Infinity });
  return report.deleted.map((d) => d.name);
}

/** `tests: 18/20 passed, 2 warned`: tests of severity warn that failed are counted apart (they fail nothing). */
export function testsLine(tests: RunReport['tests']): string {
  const passed = tests.filter((t) => t.passed).length;
  const warned = tests.filter((t) => !t.passed && t.severity === 'warn').length;
  return `tests: ${passed}/${tests.length} passed${warned ? `, ${warned} warned` : ''}`;
}

export function printReport(r: RunReport): void {
  if (r.tests.length) console.log(testsLine(r.tests));
  if (r.error) console.log(`step ${r.error.step} failed [${r.error.code}]: ${r.error.message}`);
  if (r.status === 'success') console.log(`run ${r.runId}: success`);
  else {
    console.log(`run ${r.runId}: FAILED — ${r.branch} is unchanged`);
    if (r.keptRunBranch) console.log(`run branch ${r.runBranch} kept for inspection`);
    process.exitCode = 1;
  }
}

/**
 * `--json` output: the run report, or `{ "error": { code, message, data } }` when the run could not start (no
 * pipelines, an invalid branch name, an unreachable server); the exit code is 1 for both a failed run and an error.
 */
export async function printJsonOutcome(work: () => Promise<RunReport | object>): Promise<void> {
  try {
    const out = await work();
    console.log(JSON.stringify(out, null, 2));
    if ('status' in out && out.status !== 'success') process.exitCode = 1;
  } catch (err) {
    reportError(err, true);
  }
}

/** How a plan line names a model's materialization: `incremental (microbatch by day)`, `incremental (insert_overwrite)`. */
export function materializationText(m: Model): string {
  const c = m.config;
  if (c.microbatch) return `${c.materialized} (microbatch by ${c.microbatch.batchSize})`;
  return c.replacePartitions ? `${c.materialized} (insert_overwrite)` : c.materialized;
}

/** A commander parser for `--event-time-start` / `--event-time-end`: a date or a date and time, UTC. */
export function eventTimeOption(v: string): Date {
  const t = parseBatchTime(v);
  if (!t)
    throw new InvalidArgumentError("Give a date or a date and time (UTC) such as 2024-01-01 or '2024-01-01 10:00'.");
  return t;
}

/**
 * A commander parser for a size in DuckDB's units (`512MB`, `4GB`, `128MiB`), at least 1 MiB; kept as written.
 *
 * @example new Option('--memory-limit <size>').argParser(sizeOption) // '4XB' → "Give a size of at least 1MiB …"
 */
export function sizeOption(v: string): string {
  try {
    parseMemoryLimit(v);
  } catch {
    throw new InvalidArgumentError('Give a size of at least 1MiB such as 512MB or 4GB.');
  }
  return v;
}

interface RunFlags {
  select?: string[];
  dryRun?: boolean;
  branch?: string;
  server?: string;
  project?: string;
  threads?: number;
  memoryLimit?: string;
  fullRefresh?: boolean;
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
  compact?: boolean;
  storeFailures?: boolean;
  state?: string;
  vars?: Record<string, unknown>;
  exclude?: string;
  json?: boolean;
}

/** What `rat run` asks of the engine, from the target, the selector and the flags (`--json` or not). */
function pipelineOptions(
  t: EngineTarget,
  selector: string | undefined,
  o: RunFlags,
  rs: ResolvedState | undefined,
  codeDirty: boolean,
): RunOptions {
  return {
    project: t.project,
    server: t.server,
    branch: t.branch,
    selector,
    state: rs?.state,
    exclude: o.exclude,
    codeCommit: t.codeCommit,
    codeDirty,
    threads: o.threads,
    memoryLimit: o.memoryLimit,
    fullRefresh: o.fullRefresh,
    eventTimeStart: o.eventTimeStart,
    eventTimeEnd: o.eventTimeEnd,
    compact: o.compact ?? t.compactRuns,
    storeFailures: o.storeFailures,
    vars: { ...t.vars, ...o.vars },
  };
}

/** `rat run [selector]`: build the selected tables on a run branch, test, merge into the data branch. */
export function register(program: Command): void {
  program
    .command('run')
    // dbt's build is this: models, seeds, snapshots and their tests, in one go.
    .alias('build')
    .description('Run the pipelines (bronze → silver → gold) as one transaction on the data branch')
    .argument('[selector...]', 'models: silver.orders, +gold.revenue (with upstream), bronze.* (default: all)')
    .addOption(selectOption())
    .option('--dry-run', 'show the plan and exit')
    .option('--branch <name>', 'data branch (default: the one mapped to the checked-out git branch, or main)')
    .addOption(serverOption())
    .option('--project <dir>', 'folder with bronze/ silver/ gold/ (default: current folder or project config)')
    .option('--threads <n>', 'models built at once when they do not read each other (default 1)', wholeNumber(1, 64))
    .option(
      '--memory-limit <size>',
      'memory budget of DuckDB for the run (e.g. 4GB); larger work spills to a temporary folder',
      sizeOption,
    )
    .option(
      '--full-refresh',
      'replace the tables of the selected incremental models with their whole results (after their SQL changed)',
    )
    .option(
      '--event-time-start <time>',
      "microbatch models build the batches from this date or time (UTC, '2024-01-01' or '2024-01-01 10:00'): a backfill",
      eventTimeOption,
    )
    .option(
      '--event-time-end <time>',
      'microbatch models build the batches up to this date or time (excluded)',
      eventTimeOption,
    )
    .option('--exclude <selector>', 'leave these models out of the selection (same syntax, e.g. "gold.big+")')
    .option(
      '--compact',
      'once the steps and tests pass, rewrite the small files of the tables the run built (as rat compact), in the same merge',
    )
    .option('--no-compact', "do not compact, whatever rat.yaml's runs.compact says")
    .addOption(storeFailuresOption())
    .option(
      '--vars <yaml>',
      "the pipelines' variables, over rat.yaml's vars: a YAML mapping such as '{start: 2024-01-01}'",
      runVarsOption,
    )
    .option(
      '--state <rev>',
      'what state:modified compares the models with: a git branch, tag or commit (default: the code of the last run)',
    )
    .option('--json', 'print the run report (or the plan, with --dry-run) as JSON for scripts')
    .addHelpText(
      'after',
      '\nExamples:\n  rat run                      # everything, on the data branch of this git branch\n' +
        '  rat run +gold.revenue --dry-run\n  rat run silver.orders+ --full-refresh\n' +
        '  rat run state:modified+            # models changed since the last run, and what reads them\n' +
        '  rat run state:modified+ --state main\n  rat run --branch dev --json',
    )
    .action(async (selector: string[], o: RunFlags) => {
      const sel = selectorOf(selector, o.select);
      if (o.json) {
        await printJsonOutcome(async () => {
          const t = await resolveEngineTarget({ ...o, read: o.dryRun });
          const rs = await selectorState(t, withExcluded(sel, o.exclude), o.state);
          const stateJson = rs && { baseline: rs.baseline, modified: [...rs.state.modified].sort() };
          const p = dryRun(t.project, sel, { state: rs?.state, exclude: o.exclude });
          if (!o.dryRun && p.steps.length === 0)
            return { branch: t.branch, status: 'nothing-to-run', state: stateJson };
          if (!o.dryRun) {
            const warning = uncommittedWarning(t);
            if (warning) console.error(warning);
            const report = await runPipeline(pipelineOptions(t, sel, o, rs, !!warning));
            const { result } = await linkRunToHead(t, report);
            return { ...report, codeLink: result, cleanedRunBranches: await cleanKeptRuns(t) };
          }
          return {
            branch: t.branch,
            server: t.server,
            ...(stateJson ? { state: stateJson } : {}),
            steps: p.steps.map((m) => ({
              id: m.id,
              kind: m.kind,
              file: m.file,
              ...(refreshesModel(m, o.fullRefresh) ? { fullRefresh: true } : {}),
            })),
            external: p.external,
          };
        });
        return;
      }
      const t = await resolveEngineTarget({ ...o, read: o.dryRun });
      console.log(`branch: ${t.branch} (${t.why}), server: ${t.server}`);
      const rs = await selectorState(t, withExcluded(sel, o.exclude), o.state);
      if (rs) {
        const names = [...rs.state.modified].sort();
        console.log(`state:modified since ${rs.baseline}: ${names.length ? names.join(', ') : 'no model changed'}`);
      }
      const p = dryRun(t.project, sel, { state: rs?.state, exclude: o.exclude });
      if (p.steps.length === 0) {
        console.log('nothing to run: the selection is empty');
        return;
      }
      if (o.dryRun) {
        p.steps.forEach((m, i) =>
          console.log(
            `${String(i + 1).padStart(3)}. ${m.id.padEnd(28)} ${m.kind === 'source' ? `ingest ${m.source.path}` : materializationText(m)}${refreshesModel(m, o.fullRefresh) ? ' (full refresh)' : ''}  (${m.file})`,
          ),
        );
        if (p.external.length) console.log(`reads (not rebuilt): ${p.external.join(', ')}`);
        return;
      }
      // Said after the run's report, where it is read, rather than scrolled away above the progress lines.
      const warning = uncommittedWarning(t);
      const report = await runPipeline({ ...pipelineOptions(t, sel, o, rs, !!warning), onEvent: progressPrinter() });
      printReport(report);
      const { message } = await linkRunToHead(t, report);
      if (message) console.log(message);
      else if (warning) console.error(warning);
      const cleaned = await cleanKeptRuns(t);
      if (cleaned.length) {
        console.log(`deleted ${cleaned.length} failed-run branch(es) older than runs.keepFailed (${t.keepFailedRuns})`);
      }
    });
}
