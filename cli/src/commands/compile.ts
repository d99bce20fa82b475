import type { Command } from 'commander';
import { compiledModels } from '@ratatouille/engine';
import { serverOption } from '../server-url.ts';
import { examples } from '../examples.ts';
import { runVarsOption, selectOption, selectorOf } from '../options.ts';
import { printJsonOutcome } from './run.ts';
import { renderingOn, resolveEngineTarget } from './engine-target.ts';

/** `rat compile`'s flags; `rat show` takes them too. */
export interface CompileFlags {
  select?: string[];
  branch?: string;
  server?: string;
  project?: string;
  exclude?: string;
  vars?: Record<string, unknown>;
  fullRefresh?: boolean;
  json?: boolean;
}

/**
 * The options of a command that renders the selected models on a data branch (`rat compile`, `rat show`): where
 * (`--branch`, `--server`, `--project`), `--exclude`, `--vars`, `--full-refresh`.
 */
export function withRenderingOptions(command: Command): Command {
  return command
    .option('--branch <name>', 'data branch (default: the one mapped to the checked-out git branch, or main)')
    .addOption(serverOption())
    .option('--project <dir>', 'folder with bronze/ silver/ gold/ (default: current folder or project config)')
    .option('--exclude <selector>', 'leave these models out of the selection (same syntax)')
    .option('--vars <yaml>', "the pipelines' variables, over rat.yaml's vars (a YAML mapping)", runVarsOption)
    .option('--full-refresh', 'render as under rat run --full-refresh (is_incremental() false)');
}

/** `rat compile [selector]`: the selected models' SQL as a run on the data branch would execute it (dbt's compile). */
export function register(program: Command): void {
  withRenderingOptions(
    program
      .command('compile')
      .description(
        "Print the selected models' SQL with its templates rendered (macros, loops, refs, vars, is_incremental()) as a run on the data branch would execute it; writes nothing",
      )
      .argument('[selector...]', 'models, as for rat run (default: all)')
      .addOption(selectOption()),
  )
    .option('--json', "print each model's compiled SQL as JSON")
    .addHelpText(
      'after',
      examples(
        'rat compile silver.orders           # the SQL rat run would execute for it on this branch',
        "rat compile gold.revenue --vars '{day: 2024-03-01}'",
        'rat compile --json',
      ),
    )
    .action(async (selector: string[], o: CompileFlags) => {
      const compile = async () => {
        const t = await resolveEngineTarget({ ...o, read: true });
        const models = await compiledModels(t.project, renderingOn(t, o, selectorOf(selector, o.select)));
        return { branch: t.branch, models };
      };
      if (o.json) {
        await printJsonOutcome(compile);
        return;
      }
      const { branch, models } = await compile();
      for (const m of models) {
        console.log(`-- ${m.model} (${m.file}) on ${branch}${m.incremental ? ', is_incremental() true' : ''}`);
        console.log(`${m.sql.trim()}\n`);
      }
    });
}
