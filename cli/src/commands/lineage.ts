import { Option, type Command } from 'commander';
import { client, printJson, withServer, type ServerOpts } from '../management.ts';
import { examples } from '../examples.ts';
import { RatError } from '../errors.ts';
import { around, lineageDot, lineageMermaid, lineageText } from './lineage-text.ts';

/** `rat lineage [table]`: which pipeline models wrote a reference's tables, from what, and what reads them. */
export function register(program: Command): void {
  withServer(
    program
      .command('lineage')
      .description('Show which pipeline models wrote the tables of a branch, what they read and what reads them')
      .argument('[table]', 'only this table, what it reads and what reads it (transitively), e.g. silver.orders')
      .option('--ref <ref>', 'branch, tag or name@hash (default: the default branch)')
      .addOption(
        new Option('--format <format>', 'text, or a diagram: mermaid (for pull requests and wikis) or dot (Graphviz)')
          .choices(['text', 'mermaid', 'dot'])
          .default('text'),
      )
      .addHelpText(
        'after',
        examples(
          'rat lineage                          # every model table of the default branch, sources first',
          'rat lineage silver.orders --ref dev  # one table, upstream and downstream',
          'rat lineage --format mermaid         # a flowchart to paste into a pull request',
          'rat lineage --json                   # the server answer, for scripts',
        ),
      ),
  ).action(async (table: string | undefined, opts: ServerOpts & { ref?: string; format: string }) => {
    const api = client(opts);
    const ref = opts.ref ?? (await api.getConfig()).defaultBranch;
    const lineage = await api.lineage(ref);
    const shown = table === undefined ? lineage.tables : around(lineage.tables, table);
    if (!shown) {
      throw new RatError(
        'NOT_IN_LINEAGE',
        `${table} is not in the lineage of ${ref}: no model wrote it and none reads it`,
      );
    }
    if (opts.json) return printJson(table === undefined ? lineage : { ...lineage, tables: shown });
    if (opts.format === 'mermaid') return void process.stdout.write(lineageMermaid(shown));
    if (opts.format === 'dot') return void process.stdout.write(lineageDot(shown));
    if (shown.length === 0) process.stdout.write(`no table on ${ref} was written by a pipeline model\n`);
    process.stdout.write(lineageText(shown));
    if (lineage.unreadable.length) {
      process.stdout.write(`metadata not readable (provenance unknown): ${lineage.unreadable.join(', ')}\n`);
    }
    if (lineage.truncated) process.stdout.write('(more tables than one answer reads: the lineage is partial)\n');
  });
}
