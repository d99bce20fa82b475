import { Option, type Command } from 'commander';
import { client, printJson, withServer, type ServerOpts } from '../management.ts';
import { examples } from '../examples.ts';

/** Bytes as people read them: 1.5 MiB. */
function human(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${u === 0 ? n : n.toFixed(1)} ${units[u]}`;
}

/** `rat gc`: delete the warehouse files that no branch, tag or kept commit reaches. */
export function register(program: Command): void {
  withServer(
    program
      .command('gc')
      .description(
        'Delete warehouse files that no branch, tag or kept commit references (branch-aware; safe to re-run)',
      )
      .option('--dry-run', 'list what would be deleted and the bytes reclaimed; delete nothing')
      .option('--keep-history <age>', 'keep files of commits younger than this: 7d, 12h, all (default: the server’s)')
      .addOption(
        new Option(
          '--snapshots <which>',
          'keep files of every Iceberg snapshot of kept table versions (all), or only of their branch/tag heads (refs)',
        )
          .choices(['all', 'refs'])
          .default('all'),
      )
      .option('--grace <age>', 'never delete files younger than this, so in-flight writes survive', '24h')
      .addHelpText(
        'after',
        examples(
          'rat gc --dry-run                       # what would go, and the bytes',
          'rat gc --keep-history 30d --grace 48h',
        ),
      ),
  ).action(
    async (opts: ServerOpts & { dryRun?: boolean; keepHistory?: string; grace: string; snapshots: 'all' | 'refs' }) => {
      const report = await client(opts).gc({
        dryRun: opts.dryRun ?? false,
        keepHistory: opts.keepHistory,
        gracePeriod: opts.grace,
        snapshots: opts.snapshots,
      });
      if (opts.json) return printJson(report);
      const verb = report.dryRun ? 'would delete' : 'deleted';
      for (const f of report.files)
        process.stdout.write(`${report.dryRun ? 'would delete' : 'deleted'}  ${f.location}  (${human(f.size)})\n`);
      // Kept because it could not be read: the writer of that table should fix it (the run went on past it).
      for (const u of report.unreadable ?? [])
        process.stdout.write(`kept unreadable  ${u.location}  (table ${u.table || '?'}: ${u.error})\n`);
      process.stdout.write(
        `${verb} ${report.files.length} files, ${human(report.bytes)}; kept ${report.reachableFiles} reachable files ` +
          `of ${report.keptCommits} commits (history kept: ${report.keepHistory}); ${report.youngFiles} unreferenced ` +
          `files are younger than the grace period.\n`,
      );
      // A server older than the field reports none.
      if (report.releasedFiles > 0) {
        process.stdout.write(
          `kept ${report.releasedFiles} unreferenced files in the folders of tables released to other catalogs ` +
            '(rat released).\n',
        );
      }
    },
  );
}
