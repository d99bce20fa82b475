import type { Command } from 'commander';
import { compactTables, parseMemoryLimit, plan, type TableCompaction } from '@ratatouille/engine';
import { serverOption } from '../server-url.ts';
import { examples } from '../examples.ts';
import { selectOption, selectorOf, share, wholeNumber } from '../options.ts';
import { printJsonOutcome, sizeOption } from './run.ts';
import { resolveEngineTarget } from './engine-target.ts';
import { RatError } from '../errors.ts';

interface CompactFlags {
  select?: string[];
  table?: string[];
  branch?: string;
  server?: string;
  project?: string;
  exclude?: string;
  minInputFiles?: number;
  targetFileSize?: string;
  deleteRatio?: number;
  deleteFileThreshold?: number;
  memoryLimit?: string;
  dryRun?: boolean;
  json?: boolean;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** One table's line: what was (or would be) rewritten, or why not. */
function describe(c: TableCompaction, dryRun: boolean): string {
  switch (c.status) {
    case 'compacted':
    case 'would-compact':
      if (c.filesRewritten === 0) {
        const verb = dryRun ? 'would be removed' : 'removed';
        return `${c.table}: ${c.deleteFilesRemoved} delete files that apply to no data file ${verb}`;
      }
      return (
        `${c.table}: ${c.filesRewritten} data files in ${c.partitions} partition(s) (${mb(c.bytesRewritten)}, ` +
        `${c.rows} rows) ${dryRun ? 'would be rewritten' : `rewritten into ${c.filesWritten}`}; ` +
        `${c.filesBefore} data files before` +
        (c.deleteFilesBefore === 0
          ? ''
          : `, ${c.deleteFilesBefore} delete files (${c.deleteFilesRemoved} ${dryRun ? 'would go' : 'removed'}` +
            `${dryRun ? '' : `, ${c.rowsDeleted} deleted rows applied`})`)
      );
    case 'nothing-to-compact':
      return `${c.table}: nothing to compact (${c.filesBefore} data files)`;
    case 'missing':
      return `${c.table}: not on this branch (run its model first)`;
    case 'skipped':
      return `${c.table}: skipped, ${c.reason}`;
  }
}

/** `rat compact [selector]`: rewrite the small data files of the selected models' tables on the data branch. */
export function register(program: Command): void {
  program
    .command('compact')
    .description(
      "Rewrite the small data files of the pipelines' tables into larger ones, applying their deletes (one Iceberg replace snapshot per table; the rows do not change)",
    )
    .argument('[selector...]', 'models whose tables to compact, as for rat run (default: all)')
    .addOption(selectOption())
    .option('--branch <name>', 'data branch (default: the one mapped to the checked-out git branch, or main)')
    .addOption(serverOption())
    .option('--project <dir>', 'folder with bronze/ silver/ gold/ (default: current folder or project config)')
    .option('--exclude <selector>', 'leave these models out of the selection (same syntax)')
    .option(
      '--table <name...>',
      'compact these tables instead (namespace.table), whoever wrote them: PyIceberg appends, other engines',
    )
    .option(
      '--min-input-files <n>',
      'small files a partition needs before it is rewritten (default 5)',
      wholeNumber(2, 1_000_000),
    )
    .option(
      '--target-file-size <size>',
      "size a rewritten file aims at (default: the table's write.target-file-size-bytes, else 512MiB); files under three quarters of it are small",
      sizeOption,
    )
    .option(
      '--delete-ratio <share>',
      'rewrite a file whatever its size once its own position deletes remove this share of its rows (default 0.3)',
      share,
    )
    .option(
      '--delete-file-threshold <n>',
      'rewrite a file whatever its size once this many delete files apply to it (e.g. 1 for equality deletes)',
      wholeNumber(1, 1_000_000),
    )
    .option('--memory-limit <size>', 'memory budget of DuckDB for the rewrite (e.g. 4GB)', sizeOption)
    .option('--dry-run', 'say what would be rewritten; write nothing')
    .option('--json', 'print what was done to each table as JSON')
    .addHelpText(
      'after',
      examples(
        'rat compact                        # every table of the project, on the data branch of this git branch',
        'rat compact silver.orders --dry-run',
        'rat compact --branch main --target-file-size 128MB --min-input-files 10',
        'rat compact --table sales.events --branch main   # a table written by PyIceberg or another engine',
        "rat compact --table cdc.orders --delete-file-threshold 1   # fold a Flink upsert table's equality deletes in",
      ),
    )
    .action(async (selector: string[], o: CompactFlags) => {
      const compact = async () => {
        const t = await resolveEngineTarget(o);
        const sel = selectorOf(selector, o.select);
        if (o.table && (sel || o.exclude)) {
          throw new RatError('USAGE', '--table names the tables itself: give it, or a selector of models, not both');
        }
        const tables = o.table ?? plan(t.project, sel, { exclude: o.exclude }).steps.map((m) => m.id);
        const results = await compactTables({
          server: t.server,
          branch: t.branch,
          tables,
          minInputFiles: o.minInputFiles,
          targetFileSizeBytes: o.targetFileSize ? parseMemoryLimit(o.targetFileSize) : undefined,
          deleteRatio: o.deleteRatio,
          deleteFileThreshold: o.deleteFileThreshold,
          memoryLimit: o.memoryLimit,
          dryRun: o.dryRun,
        });
        return { branch: t.branch, why: t.why, server: t.server, results };
      };
      if (o.json) {
        await printJsonOutcome(async () => {
          const { branch, results } = await compact();
          return { branch, dryRun: o.dryRun === true, tables: results };
        });
        return;
      }
      const { branch, why, server, results } = await compact();
      console.log(`branch: ${branch} (${why}), server: ${server}`);
      for (const c of results) console.log(describe(c, o.dryRun === true));
      const done = results.filter((c) => c.status === 'compacted');
      if (!o.dryRun) {
        const files = done.reduce((a, c) => a + c.filesRewritten, 0);
        console.log(`compacted ${done.length} table(s): ${files} files rewritten`);
      }
    });
}
