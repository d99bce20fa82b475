import fs from 'node:fs';
import type { Command } from 'commander';
import type { ManagementClient } from '@ratatouille/catalog-client';
import { openGitSync, resolveDataRef } from '@ratatouille/git-sync';
import { client, keyOption, keyText, printJson, withServer, type ServerOpts } from '../management.ts';
import { wholeNumber } from '../options.ts';
import { envWithServer } from '../server-url.ts';
import { rowDiffText } from './row-diff-text.ts';

/**
 * The ref `rat diff <from>` compares with: like `git diff main` compares main with the working tree, the data of the
 * checkout — the data ref git-sync maps the checked-out code to (read-only `branch@hash` when detached). Outside a
 * git repository, or one without rat.yaml, there is no checkout to compare with: the server's default branch.
 */
async function checkedOutRef(api: ManagementClient, server: string): Promise<string> {
  try {
    const io = await openGitSync({ fs, env: envWithServer(server) });
    return (await resolveDataRef(io, { env: process.env })).ref;
  } catch (err) {
    const e = err as { code?: string; data?: { reason?: string } };
    const noProject =
      e.code === 'NOT_A_GIT_REPOSITORY' ||
      (e.code === 'INVALID_PROJECT_CONFIG' && /not found/.test(e.data?.reason ?? ''));
    if (!noProject) throw err;
    return (await api.getConfig()).defaultBranch;
  }
}

type DiffOpts = ServerOpts & { prefix?: string; rows?: string; key?: string; limit?: number };

async function printRowDiff(api: ManagementClient, from: string, to: string, opts: DiffOpts): Promise<void> {
  const keyColumns = opts.key === undefined ? undefined : opts.key.split(',').filter((c) => c.length > 0);
  const d = await api.rowDiff(from, to, keyOption(opts.rows!), { limit: opts.limit, keyColumns });
  if (opts.json) return printJson(d);
  process.stdout.write(rowDiffText(opts.rows!, d));
}

/** `rat diff <from> [to]`: which keys differ between two refs (`to` defaults to the checked-out data ref). */
export function register(program: Command): void {
  withServer(
    program
      .command('diff <from> [to]')
      .description('Show the tables, views and namespaces that differ between two refs (branch, tag or ref@hash)')
      .option('--prefix <namespace>', 'only keys under this namespace: db.sales, or .db.a*.b for a level named "a.b"')
      .option('--rows <table>', 'the rows of this table that differ (added, removed, changed), e.g. shop.orders')
      .option(
        '--key <columns>',
        'with --rows: columns pairing removed and added rows into changes (default: the identifier fields; "" for none)',
      )
      .option('--limit <n>', 'with --rows: rows shown at most of each kind (default 50)', wholeNumber(1, 500))
      .addHelpText(
        'after',
        '\n`to` defaults to the data branch of the checked-out git branch (outside a git repository with rat.yaml: the\n' +
          "server's default branch), as `git diff main` compares main with your working tree.\n\n" +
          'Examples:\n' +
          '  rat diff main                      # what this branch changed since main\n' +
          '  rat diff main feature/x --prefix sales\n' +
          '  rat diff main --rows shop.orders       # the rows this branch added, removed and changed\n' +
          '  rat diff v1 main --json',
      ),
  ).action(async (from: string, to: string | undefined, opts: DiffOpts) => {
    const api = client(opts);
    const toRef = to ?? (await checkedOutRef(api, opts.server));
    if (opts.rows !== undefined) return printRowDiff(api, from, toRef, opts);
    const seg = (r: string) => encodeURIComponent(r).replace(/%40/g, '@');
    const prefix = opts.prefix ? keyOption(opts.prefix) : undefined;
    const diffs = await api.allDiffs(seg(from), seg(toRef), { prefix });
    if (opts.json) return printJson(diffs);
    if (diffs.length === 0) process.stdout.write(`No differences between ${from} and ${toRef}.\n`);
    for (const d of diffs) {
      const mark = d.from === null ? 'A' : d.to === null ? 'D' : 'M';
      const type = (d.to ?? d.from)?.type ?? '';
      process.stdout.write(`${mark}  ${keyText(d.key)}  (${type})\n`);
    }
  });
}
