import type { Command } from 'commander';
import { client, keyOption, keyText, printJson, withServer, type ServerOpts } from '../management.ts';

/** `rat diff <from> [to]`: which keys differ between two refs (`to` defaults to the default branch's head). */
export function register(program: Command): void {
  withServer(
    program
      .command('diff <from> [to]')
      .description('Show the tables, views and namespaces that differ between two refs (branch, tag or ref@hash)')
      .option('--prefix <namespace>', 'only keys under this namespace: db.sales, or .db.a*.b for a level named "a.b"'),
  ).action(async (from: string, to: string | undefined, opts: ServerOpts & { prefix?: string }) => {
    const api = client(opts);
    const toRef = to ?? (await api.getConfig()).defaultBranch;
    const seg = (r: string) => encodeURIComponent(r).replace(/%40/g, '@');
    const prefix = opts.prefix ? keyOption(opts.prefix) : undefined;
    const diffs = [];
    let pageToken: string | undefined;
    for (;;) {
      const page = await api.diff(seg(from), seg(toRef), { pageToken, prefix });
      diffs.push(...page.diffs);
      if (!page.hasMore || !page.token) break;
      pageToken = page.token;
    }
    if (opts.json) return printJson(diffs);
    if (diffs.length === 0) process.stdout.write(`No differences between ${from} and ${toRef}.\n`);
    for (const d of diffs) {
      const mark = d.from === null ? 'A' : d.to === null ? 'D' : 'M';
      const type = (d.to ?? d.from)?.type ?? '';
      process.stdout.write(`${mark}  ${keyText(d.key)}  (${type})\n`);
    }
  });
}
