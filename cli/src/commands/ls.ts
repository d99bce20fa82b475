import { Option, type Command } from 'commander';
import { listResources, RESOURCE_TYPES, type Resource } from '@ratatouille/engine';
import { examples } from '../examples.ts';
import { serverOption } from '../server-url.ts';
import { selectOption, selectorOf } from '../options.ts';
import { printJsonOutcome } from './run.ts';
import { resolveEngineTarget } from './engine-target.ts';
import { selectorState, withExcluded } from './run-state.ts';

interface LsFlags {
  select?: string[];
  branch?: string;
  server?: string;
  project?: string;
  exclude?: string;
  state?: string;
  resourceType?: Resource['type'][];
  output?: 'id' | 'name' | 'path' | 'json';
  json?: boolean;
}

/** `rat ls [selector]` (dbt's `ls` / `list`): the project's resources a selector picks, one per line. */
export function register(program: Command): void {
  program
    .command('ls')
    .alias('list')
    .description("List the project's models, seeds, snapshots, sources, tests, analyses and exposures a selector picks")
    .argument('[selector...]', 'as for rat run (default: everything)')
    .addOption(selectOption())
    .option('--exclude <selector>', 'leave these out of the selection (same syntax)')
    .option('--state <rev>', 'what state:modified compares the models with (default: the code of the last run)')
    .addOption(new Option('--resource-type <type...>', 'only these kinds of resource').choices([...RESOURCE_TYPES]))
    .addOption(
      new Option('--output <format>', 'id (a table id or a name), name (dbt names), path (files), json')
        .choices(['id', 'name', 'path', 'json'])
        .default('id'),
    )
    .option('--json', 'the same as --output json')
    .option('--branch <name>', 'data branch state:modified reads the last run of (default: the checked-out one)')
    .addOption(serverOption())
    .option('--project <dir>', 'folder with bronze/ silver/ gold/ (default: current folder or project config)')
    .addHelpText(
      'after',
      examples(
        'rat ls                                   # everything the project defines',
        'rat ls +gold.revenue --resource-type model seed',
        'rat ls state:modified+ --output name      # what a CI job would rebuild',
        'rat ls --resource-type test --output json',
      ),
    )
    .action(async (selector: string[], o: LsFlags) => {
      const sel = selectorOf(selector, o.select);
      const list = async () => {
        const t = await resolveEngineTarget({ ...o, read: true });
        const state = (await selectorState(t, withExcluded(sel, o.exclude), o.state))?.state;
        const resources = listResources(t.project, sel, { exclude: o.exclude, state });
        return resources.filter((r) => !o.resourceType || o.resourceType.includes(r.type));
      };
      if (o.json || o.output === 'json') {
        await printJsonOutcome(async () => ({ resources: await list() }));
        return;
      }
      const field = o.output === 'name' ? 'name' : o.output === 'path' ? 'file' : 'id';
      for (const r of await list()) console.log(r[field]);
    });
}
