import type { Command } from 'commander';
import { examples } from '../examples.ts';

/** `rat migrate`: copies a whole catalog between databases (e.g. SQLite → PostgreSQL), verified. */
export function register(program: Command): void {
  program
    .command('migrate')
    .description(
      'Copy a catalog (all commits, branches, tags, the reflog, code links and pending forge merges) into a fresh database and verify the copy; ' +
        'stop the servers using the source first',
    )
    .requiredOption('--from <location>', 'source: sqlite:<file> or postgresql://…')
    .requiredOption('--to <location>', 'target (fresh): postgresql://… or sqlite:<file>')
    .addHelpText(
      'after',
      examples('rat migrate --from sqlite:/srv/rat/catalog.db --to postgresql://rat:secret@db.internal/rat'),
    )
    .action(async (opts: { from: string; to: string }) => {
      // Loaded here rather than with the command list: the package is the whole server.
      const { copyCatalog, openCatalogDatabase, parseStoreLocation, redactStoreLocation } =
        await import('@ratatouille/catalog-server');
      // A source written by an older version is brought to this version's schema first (a rebuild can take seconds).
      const from = await openCatalogDatabase(parseStoreLocation(opts.from), {
        onMigration: (name) => console.error(`Updating the schema of ${redactStoreLocation(opts.from)}: ${name}`),
      });
      try {
        const to = await openCatalogDatabase(parseStoreLocation(opts.to));
        try {
          const started = Date.now();
          const report = await copyCatalog(from, to, (what, done) => {
            if (process.stderr.isTTY) process.stderr.write(`\r  ${what}: ${done}   `);
          });
          if (process.stderr.isTTY) process.stderr.write('\n');
          console.log(
            `Copied ${redactStoreLocation(opts.from)} to ${redactStoreLocation(opts.to)} in ` +
              `${((Date.now() - started) / 1000).toFixed(1)} s and verified it: ${report.commits} commits, ` +
              `${report.nodes} tree nodes, ${report.refs} branches and tags, ${report.reflog} reflog lines, ` +
              `${report.codeLinks} code links, ${report.pendingMerges} pending merges, ` +
              `${report.releasedTables} released tables.`,
          );
        } finally {
          await to.store.close();
        }
      } finally {
        await from.store.close();
      }
    });
}
