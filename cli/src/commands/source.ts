import type { Command } from 'commander';
import { sourceFreshnessOn, type FreshnessOutcome } from '@ratatouille/engine';
import { serverOption } from '../server-url.ts';
import { examples } from '../examples.ts';
import { printJsonOutcome } from './run.ts';
import { resolveEngineTarget } from './engine-target.ts';

interface FreshnessFlags {
  branch?: string;
  server?: string;
  project?: string;
  json?: boolean;
}

/** An age as people say it: `3h 20m`, `2d 4h`, `45s`. */
export function ageText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor((s % 86_400) / 3600), Math.floor((s % 3600) / 60)];
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  return m ? `${m}m ${s % 60}s` : `${s}s`;
}

/** One source's line of `rat source freshness`. */
export function freshnessLine(f: FreshnessOutcome): string {
  const mark = f.status === 'pass' ? '✓' : f.status === 'warn' ? '⚠ warn' : '✗ error';
  if (f.ageMs === null) return `${mark} ${f.source}: ${f.error}`;
  const limits = [
    f.warnAfterMs === undefined ? '' : `warn after ${ageText(f.warnAfterMs)}`,
    f.errorAfterMs === undefined ? '' : `error after ${ageText(f.errorAfterMs)}`,
  ].filter(Boolean);
  const what = f.loadedAtField === undefined ? 'last written' : `newest ${f.loadedAtField}`;
  return `${mark} ${f.source}: ${what} ${f.latest} (${ageText(f.ageMs)} old; ${limits.join(', ')})`;
}

/** `rat source freshness`: how old the newest rows of the declared sources are on the data branch (dbt's). */
export function register(program: Command): void {
  const source = program
    .command('source')
    .description("Check dbt's sources: the tables the pipelines read but other tools write");
  source
    .command('freshness')
    .description(
      'Check how old the newest row of each declared source with a freshness is on the data branch (warn_after, error_after)',
    )
    .option('--branch <name>', 'data branch (default: the one mapped to the checked-out git branch, or main)')
    .addOption(serverOption())
    .option('--project <dir>', 'folder with bronze/ silver/ gold/ (default: current folder or project config)')
    .option('--json', "print each source's outcome as JSON")
    .addHelpText(
      'after',
      examples(
        'rat source freshness                # exits 1 when a source is past its error_after',
        'rat source freshness --branch main --json',
      ),
    )
    .action(async (o: FreshnessFlags) => {
      const check = async () => {
        const t = await resolveEngineTarget({ ...o, read: true });
        return { t, sources: await sourceFreshnessOn(t.project, { server: t.server, branch: t.branch }) };
      };
      const status = (sources: FreshnessOutcome[]) => (sources.some((f) => f.status === 'error') ? 'error' : 'success');
      if (o.json) {
        await printJsonOutcome(async () => {
          const { t, sources } = await check();
          return { branch: t.branch, status: status(sources), sources };
        });
        return;
      }
      const { t, sources } = await check();
      console.log(`branch: ${t.branch} (${t.why}), server: ${t.server}`);
      if (sources.length === 0)
        console.log('no source declares a freshness (loaded_at_field with warn_after or error_after)');
      for (const f of sources) console.log(freshnessLine(f));
      if (status(sources) === 'error') process.exitCode = 1;
    });
}
