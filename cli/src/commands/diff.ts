import fs from 'node:fs';
import type { Command } from 'commander';
import {
  ManagementApiError,
  type ContentKey,
  type DiffEntry,
  type ManagementClient,
  type RowDiff,
} from '@ratatouille/catalog-client';
import { openGitSync, resolveDataRef } from '@ratatouille/git-sync';
import { client, keyOption, keyText, printJson, withServer, type ServerOpts } from '../management.ts';
import { serverMessage } from '../errors.ts';
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

type DiffOpts = ServerOpts & { prefix?: string; rows?: string; key?: string; limit?: number; stats?: boolean };

async function printRowDiff(api: ManagementClient, from: string, to: string, opts: DiffOpts): Promise<void> {
  const keyColumns = opts.key === undefined ? undefined : opts.key.split(',').filter((c) => c.length > 0);
  const d = await api.rowDiff(from, to, keyOption(opts.rows!), { limit: opts.limit, keyColumns });
  if (opts.json) return printJson(d);
  process.stdout.write(rowDiffText(opts.rows!, d));
}

/**
 * Each table's row counts for `--stats`: `+added −removed ~changed`, or why the server would not compare its rows
 * (a 422: too many rows in the files that differ, files it cannot read).
 */
async function rowStats(api: ManagementClient, from: string, to: string, key: ContentKey): Promise<RowStats> {
  try {
    return { counts: (await api.rowDiff(from, to, key, { limit: 1 })).counts };
  } catch (err) {
    if (err instanceof ManagementApiError && err.status === 422) return { notCompared: serverMessage(err.message) };
    throw err;
  }
}

type RowStats = { counts: RowDiff['counts'] } | { notCompared: string };

function statsText(s: RowStats): string {
  if ('notCompared' in s) return `rows not compared: ${s.notCompared.split('. ')[0]}`;
  return `+${s.counts.added} −${s.counts.removed} ~${s.counts.changed} rows`;
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
      .option('--stats', 'with each table that differs, its rows added, removed and changed (by its identifier fields)')
      .addHelpText(
        'after',
        '\n`to` defaults to the data branch of the checked-out git branch (outside a git repository with rat.yaml: the\n' +
          "server's default branch), as `git diff main` compares main with your working tree.\n\n" +
          'Examples:\n' +
          '  rat diff main                      # what this branch changed since main\n' +
          '  rat diff main feature/x --prefix sales\n' +
          '  rat diff main --stats                  # with each table, +added −removed ~changed rows\n' +
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
    const isTable = (d: DiffEntry) => (d.to ?? d.from)?.type === 'ICEBERG_TABLE';
    const stats = new Map<DiffEntry, RowStats>();
    if (opts.stats) for (const d of diffs.filter(isTable)) stats.set(d, await rowStats(api, from, toRef, d.key));
    if (opts.json) return printJson(opts.stats ? diffs.map((d) => ({ ...d, rows: stats.get(d) ?? null })) : diffs);
    if (diffs.length === 0) process.stdout.write(`No differences between ${from} and ${toRef}.\n`);
    for (const d of diffs) {
      const mark = d.from === null ? 'A' : d.to === null ? 'D' : 'M';
      const type = (d.to ?? d.from)?.type ?? '';
      const rows = stats.get(d);
      process.stdout.write(`${mark}  ${keyText(d.key)}  (${type})${rows ? `  ${statsText(rows)}` : ''}\n`);
    }
  });
}
