import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_SHOW_LIMIT, previewModels } from '@ratatouille/engine';
import { examples } from '../examples.ts';
import { selectOption, selectorOf } from '../options.ts';
import { printJsonOutcome } from './run.ts';
import { renderingOn, resolveEngineTarget } from './engine-target.ts';
import { withRenderingOptions, type CompileFlags } from './compile.ts';
import { previewText } from './show-text.ts';
import { RatError } from '../errors.ts';

interface ShowFlags extends CompileFlags {
  inline?: string;
  limit?: number;
}

/** The most rows `--limit` may ask for: a preview is read into memory and printed whole. */
const MAX_LIMIT = 10_000;

function limitOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT)
    throw new InvalidArgumentError(`Give a whole number of rows from 1 to ${MAX_LIMIT}.`);
  return n;
}

/** `rat show [selector] | --inline <sql>`: a model's first rows, computed on the data branch, nothing written (dbt's show). */
export function register(program: Command): void {
  withRenderingOptions(
    program
      .command('show')
      .description(
        "Preview the first rows of a model's SELECT, compiled as rat run would and run over the data branch's tables, or of --inline SQL; writes nothing",
      )
      .argument('[selector...]', 'models, as for rat run')
      .addOption(selectOption())
      .option('--inline <sql>', 'a SELECT to preview instead, with ref(), source() and macros')
      .option('--limit <rows>', `rows to show (default: ${DEFAULT_SHOW_LIMIT})`, limitOption),
  )
    .option('--json', 'print each preview (columns, rows, the SQL that ran) as JSON')
    .addHelpText(
      'after',
      examples(
        'rat show silver.orders                # what the model would build now, first 5 rows',
        'rat show gold.revenue --branch dev --limit 20',
        `rat show --inline "select status, count(*) from {{ ref('orders') }} group by 1"`,
        'rat show silver.orders --json',
      ),
    )
    .action(async (selector: string[], o: ShowFlags) => {
      const sel = selectorOf(selector, o.select);
      const show = async () => {
        if ((o.inline === undefined) === (sel === undefined))
          throw new RatError('USAGE', 'name the models to show, or give --inline SQL (one of them)');
        const t = await resolveEngineTarget({ ...o, read: true });
        const previews = await previewModels(t.project, {
          ...renderingOn(t, o, sel),
          inline: o.inline,
          limit: o.limit,
        });
        return { branch: t.branch, previews };
      };
      if (o.json) {
        await printJsonOutcome(show);
        return;
      }
      const { branch, previews } = await show();
      console.log(previews.map((p) => previewText(p, branch)).join('\n\n'));
    });
}
