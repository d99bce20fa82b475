import type { Command } from 'commander';
import { wholeNumber } from '../options.ts';
import { logFilterExpression, type LogSelection } from '@ratatouille/catalog-client';
import { client, printJson, short, withServer, type ServerOpts } from '../management.ts';
import { examples } from '../examples.ts';
import { pointInTime } from '../log/point-in-time.ts';

type LogOpts = ServerOpts & LogSelection & { maxCount: number; stat?: boolean };

/**
 * `rat log [ref]`: commit history of a branch, tag or `ref@hash`, newest first; `--author`, `--grep`, `--since`,
 * `--until`, `--touching` and `--filter` narrow it on the server (the client's `logFilterExpression`), as git log's options do.
 */
export function register(program: Command): void {
  withServer(
    program
      .command('log [ref]')
      .description('Show the commit history of a data branch or tag (default: the default branch), newest first')
      .option('-n, --max-count <n>', 'show at most n commits', wholeNumber(1), 20)
      .option('--stat', 'list the keys each commit changed')
      .option('--author <regex>', 'only commits whose author matches')
      .option('--grep <regex>', 'only commits whose message matches')
      .option('--since <when>', 'only commits at or after a date, a time or a span back (7d, 12h)', (v) =>
        pointInTime(v),
      )
      .option('--until <when>', 'only commits at or before a date, a time or a span back', (v) => pointInTime(v))
      .option(
        '--touching <key>',
        'only commits that changed this table or namespace or a key below it (repeatable)',
        (v: string, all: string[]) => [...all, v],
        [] as string[],
      )
      .option('--filter <cel>', "only commits a CEL expression over commit and operations keeps (the server's filter)")
      .addHelpText(
        'after',
        examples(
          'rat log',
          'rat log feature/x -n 5 --stat',
          'rat log v1 --json',
          "rat log --author '^ci' --since 7d",
          'rat log main --touching sales.orders --stat',
          `rat log --filter "'git.sha' in commit.properties"`,
        ),
      ),
  ).action(async (ref: string | undefined, opts: LogOpts) => {
    const api = client(opts);
    const limit = opts.maxCount;
    const path = encodeURIComponent(ref ?? (await api.getConfig()).defaultBranch).replace(/%40/g, '@');
    const filter = logFilterExpression(opts);
    const entries = [];
    let pageToken: string | undefined;
    while (entries.length < limit) {
      const page = await api.log(path, {
        maxRecords: Math.min(limit - entries.length, 100),
        pageToken,
        fetchAll: opts.stat,
        filter,
      });
      entries.push(...page.logEntries);
      if (!page.hasMore || !page.token) break;
      pageToken = page.token;
    }
    if (opts.json) return printJson(entries.slice(0, limit));
    for (const e of entries.slice(0, limit)) {
      const m = e.commitMeta;
      const merge = m.parentCommitHashes.length > 1 ? ` (merge of ${short(m.parentCommitHashes[1])})` : '';
      process.stdout.write(`commit ${m.hash}${merge}\n`);
      process.stdout.write(`Author: ${m.authors.filter(Boolean).join(', ') || '-'}\nDate:   ${m.commitTime}\n\n`);
      process.stdout.write(`    ${m.message.split('\n').join('\n    ')}\n`);
      for (const [k, vs] of Object.entries(m.allProperties ?? {})) process.stdout.write(`    ${k}: ${vs.join(', ')}\n`);
      for (const op of e.operations ?? [])
        process.stdout.write(`    ${op.type === 'PUT' ? 'put   ' : 'delete'} ${op.key.elements.join('.')}\n`);
      process.stdout.write('\n');
    }
  });
}
