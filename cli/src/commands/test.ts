import type { Command } from 'commander';
import { serverOption } from '../server-url.ts';
import { runPipeline, type RunEvent } from '@ratatouille/engine';
import { printJsonOutcome, progressPrinter, testsLine } from './run.ts';
import { resolveEngineTarget, type EngineTarget } from './engine-target.ts';
import { examples } from '../examples.ts';
import { selectorState, withExcluded } from './run-state.ts';
import { runVarsOption, selectOption, selectorOf, storeFailuresOption } from '../options.ts';

interface TestFlags {
  select?: string[];
  branch?: string;
  server?: string;
  project?: string;
  state?: string;
  vars?: Record<string, unknown>;
  exclude?: string;
  storeFailures?: boolean;
  json?: boolean;
}

/** `rat test [selector]`: run only the data tests of the selected models on the data branch. */
export function register(program: Command): void {
  program
    .command('test')
    .description("Run the pipelines' unit tests and their data tests against the data branch (builds nothing)")
    .argument('[selector...]', 'models (default: all)')
    .addOption(selectOption())
    .option('--branch <name>', 'data branch (default: the one mapped to the checked-out git branch, or main)')
    .addOption(serverOption())
    .option('--project <dir>', 'folder with bronze/ silver/ gold/ (default: current folder or project config)')
    .option('--exclude <selector>', 'leave these models out of the selection (same syntax)')
    .option('--state <rev>', 'what state:modified compares the models with (default: the code of the last run)')
    .option('--vars <yaml>', "the pipelines' variables, over rat.yaml's vars (a YAML mapping)", runVarsOption)
    .addOption(storeFailuresOption())
    .option('--json', 'print the test outcomes as JSON for scripts')
    .addHelpText(
      'after',
      examples(
        'rat test                        # every model, on the data branch of this git branch',
        'rat test silver.orders --branch dev',
        'rat test state:modified+         # models changed since the last run, and what reads them',
        'rat test --json',
      ),
    )
    .action(async (selector: string[], o: TestFlags) => {
      const sel = selectorOf(selector, o.select);
      const testsOf = async (t: EngineTarget, onEvent?: (e: RunEvent) => void) =>
        runPipeline({
          project: t.project,
          server: t.server,
          branch: t.branch,
          selector: sel,
          state: (await selectorState(t, withExcluded(sel, o.exclude), o.state))?.state,
          exclude: o.exclude,
          vars: { ...t.vars, ...o.vars },
          testsOnly: true,
          storeFailures: o.storeFailures,
          createBranch: false,
          onEvent,
        });
      if (o.json) {
        await printJsonOutcome(async () => {
          const r = await testsOf(await resolveEngineTarget({ ...o, read: true }));
          return { branch: r.branch, status: r.status, tests: r.tests };
        });
        return;
      }
      const t = await resolveEngineTarget({ ...o, read: true });
      console.log(`branch: ${t.branch} (${t.why}), server: ${t.server}`);
      const report = await testsOf(t, progressPrinter());
      console.log(testsLine(report.tests));
      if (report.status !== 'success') process.exitCode = 1;
    });
}
