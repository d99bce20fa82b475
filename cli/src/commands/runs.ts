import type { Command } from 'commander';
import { serverOption } from '../server-url.ts';
import { listRuns } from '@ratatouille/engine';
import { resolveEngineTarget } from './run.ts';

/** `rat runs`: past pipeline runs on the data branch (merged ones) and kept failed run branches. */
export function register(program: Command): void {
  program
    .command('runs')
    .description('list past pipeline runs and their outcome')
    .option('--branch <name>', 'data branch (default: the one mapped to the checked-out git branch, or main)')
    .addOption(serverOption())
    .option('--json', 'print as JSON')
    .action(async (o: { branch?: string; server?: string; json?: boolean }) => {
      const t = await resolveEngineTarget({ ...o, project: process.cwd() });
      const runs = await listRuns(t.server, t.branch);
      if (o.json) {
        console.log(JSON.stringify(runs, null, 2));
        return;
      }
      if (runs.length === 0) console.log(`no runs on ${t.branch}`);
      for (const r of runs) {
        const failures = JSON.parse(r.failures || '[]') as { model: string; test: string; failingRows: number }[];
        const err = JSON.parse(r.error || 'null') as { step: string; code: string } | null;
        const detail = err
          ? ` step ${err.step} failed [${err.code}]`
          : failures.length
            ? ` ${failures.map((f) => `${f.model} ${f.test} (${f.failingRows} rows)`).join('; ')}`
            : '';
        const code = r.code_commit ? ` code ${r.code_commit.slice(0, 12)}` : '';
        const kept = r.foundOn !== t.branch ? ` [kept branch ${r.foundOn}]` : '';
        console.log(`${r.started_at}  ${r.run_id}  ${r.status.padEnd(7)}${code}${detail}${kept}`);
      }
    });
}
