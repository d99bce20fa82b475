import type { Command } from 'commander';
import type { ReleasedTable } from '@ratatouille/catalog-client';
import { client, printJson, withServer, type ServerOpts } from '../management.ts';
import { examples } from '../examples.ts';

/**
 * `rat released`: the tables unregistered to other catalogs, whose folders `rat gc` leaves alone, and taking a release
 * back once no other catalog uses the table.
 */
export function register(program: Command): void {
  withServer(
    program
      .command('released')
      .description('List tables unregistered to other catalogs, whose files GC leaves alone (or take one back)')
      .option(
        '--reclaim <metadata-location>',
        'take this release back: GC may collect the table’s files again once nothing reaches them (only once no ' +
          'other catalog uses the table)',
      )
      .addHelpText(
        'after',
        examples(
          'rat released                                   # table, branch, when, and the folders kept',
          'rat released --reclaim file:///…/metadata/00007-….metadata.json',
        ),
      ),
  ).action(async (opts: ServerOpts & { reclaim?: string }) => {
    const api = client(opts);
    if (opts.reclaim !== undefined) {
      await api.reclaimReleasedTable(opts.reclaim);
      if (opts.json) return printJson({ reclaimed: opts.reclaim });
      process.stdout.write(`reclaimed ${opts.reclaim}: rat gc may collect its files once nothing reaches them\n`);
      return;
    }
    const all: ReleasedTable[] = [];
    for (let token: string | undefined; ;) {
      const page = await api.releasedTables({ maxRecords: 1000, pageToken: token });
      all.push(...page.releasedTables);
      if (!page.hasMore || !page.token) break;
      token = page.token;
    }
    if (opts.json) return printJson(all);
    if (all.length === 0) process.stdout.write('no tables were released to other catalogs\n');
    for (const r of all) {
      process.stdout.write(
        `${r.table.join('.')}  from ${r.ref} at ${r.releasedAt}\n  metadata ${r.metadataLocation}\n` +
          r.prefixes.map((p) => `  keeps    ${p}\n`).join(''),
      );
    }
  });
}
