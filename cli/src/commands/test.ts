import type { Command } from 'commander';
import { serverOption } from '../server-url.ts';
import { runPipeline } from '@ratatouille/engine';
import { progressPrinter, printReport, resolveEngineTarget } from './run.ts';

/** `rat test [selector]`: run only the data tests of the selected models on the data branch. */
export function register(program: Command): void {
  program
    .command('test')
    .description('run the data tests of the pipelines against the data branch (builds nothing)')
    .argument('[selector...]', 'models (default: all)')
    .option('--branch <name>', 'data branch (default: the one mapped to the checked-out git branch, or main)')
    .addOption(serverOption())
    .option('--project <dir>', 'folder with bronze/ silver/ gold/')
    .action(async (selector: string[], o: { branch?: string; server?: string; project?: string }) => {
      const t = await resolveEngineTarget(o);
      console.log(`branch: ${t.branch} (${t.why}), server: ${t.server}`);
      const report = await runPipeline({
        project: t.project,
        server: t.server,
        branch: t.branch,
        selector: selector.join(' ') || undefined,
        testsOnly: true,
        createBranch: false,
        onEvent: progressPrinter(),
      });
      const passed = report.tests.filter((x) => x.passed).length;
      console.log(`tests: ${passed}/${report.tests.length} passed`);
      if (report.status !== 'success') process.exitCode = 1;
      void printReport;
    });
}
