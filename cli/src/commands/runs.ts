import type { Command } from 'commander';
import { serverOption } from '../server-url.ts';
import { cleanRunBranches, listRuns } from '@ratatouille/engine';
import { resolveEngineTarget } from './engine-target.ts';
import { examples } from '../examples.ts';

/** `rat runs`: past pipeline runs on the data branch (merged ones) and kept failed run branches. */
export function register(program: Command): void {
  const runs = program.command('runs').description('List past pipeline runs, or clean up the branches of failed ones');
  runs
    .command('list', { isDefault: true })
    .description('List past pipeline runs on the data branch and their outcome')
    .option('--branch <name>', 'data branch (default: the one mapped to the checked-out git branch, or main)')
    .addOption(serverOption())
    .option('--json', 'print JSON for scripts')
    .addHelpText(
      'after',
      examples('rat runs                        # same as rat runs list', 'rat runs list --branch dev --json'),
    )
    .action(async (o: { branch?: string; server?: string; json?: boolean }) => {
      const t = await resolveEngineTarget({ ...o, project: process.cwd(), read: true });
      const records = await listRuns(t.server, t.branch);
      if (o.json) {
        console.log(JSON.stringify(records, null, 2));
        return;
      }
      if (records.length === 0) console.log(`no runs on ${t.branch}`);
      for (const r of records) {
        const detail = r.error
          ? ` step ${r.error.step} failed [${r.error.code}]`
          : r.failures.length
            ? ` ${r.failures.map((f) => `${f.model} ${f.test} (${f.failingRows} rows)`).join('; ')}`
            : '';
        const code = r.codeCommit ? ` code ${r.codeCommit.slice(0, 12)}` : '';
        const kept = r.foundOn !== t.branch ? ` [kept branch ${r.foundOn}]` : '';
        console.log(`${r.startedAt}  ${r.runId}  ${r.status.padEnd(7)}${code}${detail}${kept}`);
      }
    });
  runs
    .command('clean')
    .description('Delete the run branches that failed runs kept, once they are older than --older-than')
    .option('--older-than <age>', 'delete run branches of runs started longer ago than this: 7d, 12h, 30m, 0', '7d')
    .option('--dry-run', 'list what would be deleted; delete nothing')
    .addOption(serverOption())
    .option('--json', 'print JSON for scripts')
    .addHelpText('after', '\nExamples:\n  rat runs clean --older-than 14d --dry-run\n  rat runs clean --older-than 0')
    .action(async (o: { olderThan: string; dryRun?: boolean; server?: string; json?: boolean }) => {
      // The server's reading of ages (as for `rat gc --grace`), loaded here only: it brings the server's modules.
      const { parseRetention } = await import('@ratatouille/catalog-server');
      const olderThanMs = parseRetention(o.olderThan);
      if (olderThanMs === undefined) throw new Error('--older-than takes an age such as 7d, 12h or 0, not "all".');
      const t = await resolveEngineTarget({ server: o.server, project: process.cwd(), branch: 'main' });
      const report = await cleanRunBranches(t.server, { olderThanMs, dryRun: o.dryRun });
      if (o.json) {
        console.log(JSON.stringify(report, null, 2));
        return;
      }
      const verb = report.dryRun ? 'would delete' : 'deleted';
      for (const d of report.deleted) console.log(`${verb} ${d.name} (run started ${d.startedAt})`);
      const moved = report.kept.filter((k) => k.reason === 'moved');
      for (const k of moved) console.log(`kept ${k.name}: it moved while cleaning (a run still writing?)`);
      const younger = report.kept.filter((k) => k.reason === 'younger').length;
      console.log(
        `${report.deleted.length} run branch(es) ${verb}` +
          (younger ? `, ${younger} younger than ${o.olderThan} kept` : ''),
      );
    });
}
