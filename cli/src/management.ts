/**
 * What the management commands (`rat branch|tag|log|diff|merge`) share: the `--server` and `--json` options, the
 * client, and turning API errors into one readable line and exit code 1.
 */
import type { Command } from 'commander';
import { ManagementClient, formatKeyText, parseKeyText, type ReferenceMetadata } from '@ratatouille/catalog-client';
import { withServerOption } from './server-url.ts';
import { examples } from './examples.ts';

export interface ServerOpts {
  server: string;
  json?: boolean;
}

/** Adds `--server URL` (resolved as everywhere: flag, RAT_SERVER, rat.yaml, default) and `--json` to a command. */
export function withServer(cmd: Command): Command {
  return withServerOption(cmd).option('--json', 'print JSON for scripts');
}

export function client(opts: ServerOpts): ManagementClient {
  return new ManagementClient({ server: opts.server });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export const short = (hash: string | null | undefined) => (hash ? hash.slice(0, 12) : '-');

/**
 * Keys in output and options use Nessie's key text (`db.t`; `.db.a*.b` when a name holds a dot), so the namespace
 * `a.b` and the path `a`,`b` stay distinct both ways.
 */
export const keyText = formatKeyText;
export const keyOption = (text: string) => parseKeyText(text);

/** `rat branch …` and `rat tag …` differ only in the reference type; returns the command group. */
export function registerReferenceCommands(program: Command, type: 'BRANCH' | 'TAG'): Command {
  const noun = type === 'BRANCH' ? 'branch' : 'tag';
  const plural = type === 'BRANCH' ? 'branches' : 'tags';
  const group = program.command(noun).description(`List, create and delete data ${plural}`);

  withServer(
    group
      .command('list', { isDefault: true })
      .description(`List ${plural} with their head commits`)
      .option(
        '-v, --verbose',
        type === 'BRANCH'
          ? "also each head commit's message, and how far each branch is ahead of and behind the default branch"
          : "also each head commit's message",
      )
      .addHelpText(
        'after',
        examples(
          `rat ${noun}                  # same as rat ${noun} list`,
          `rat ${noun} -v`,
          `rat ${noun} list --json`,
        ),
      ),
  ).action(async (opts: ServerOpts & { verbose?: boolean }) => {
    const api = client(opts);
    const refs = await api.listReferences({ fetchAll: opts.verbose, filter: `refType == '${type}'` });
    const root = opts.verbose ? (await api.getConfig()).noAncestorHash : '';
    if (opts.json) return printJson(refs);
    if (refs.length === 0) process.stdout.write(`(no ${plural})\n`);
    const width = Math.max(0, ...refs.map((r) => r.name.length));
    for (const r of refs)
      process.stdout.write(
        `${r.name.padEnd(width)}  ${short(r.hash)}${opts.verbose ? headLine(r.metadata, r.hash === root) : ''}\n`,
      );
  });

  withServer(
    group
      .command('create <name>')
      .description(`Create a ${noun} at the head of another reference (default: the default branch) or at a commit`)
      .option('--from <ref>', 'reference to start from (default: the server default branch)')
      .option('--hash <hash>', 'commit on --from to start at (default: its head)')
      .addHelpText(
        'after',
        examples(
          type === 'BRANCH'
            ? 'rat branch create feature/x              # at the head of the default branch'
            : 'rat tag create v1                        # at the head of the default branch',
          type === 'BRANCH' ? 'rat branch create fix --from v1' : 'rat tag create v1-rc --from feature/x',
          `rat ${noun} create ${type === 'BRANCH' ? 'replay' : 'v0'} --from main --hash <hash from rat log>`,
        ),
      ),
  ).action(async (name: string, opts: ServerOpts & { from?: string; hash?: string }) => {
    const api = client(opts);
    const fromName = opts.from ?? (await api.getConfig()).defaultBranch;
    const from = opts.hash
      ? { ...(await api.getReference(fromName)), hash: opts.hash }
      : await api.getReference(fromName);
    const created = await api.createReference(name, type, from);
    if (opts.json) return printJson(created);
    process.stdout.write(`Created ${noun} ${created.name} at ${short(created.hash)} (from ${from.name})\n`);
  });

  withServer(
    group
      .command('delete <name>')
      .description(`Delete a ${noun}; refuses if it moved since --expect (default: its current head)`)
      .option('--expect <hash>', 'the head you expect it at (compare-and-swap)')
      .addHelpText(
        'after',
        examples(
          `rat ${noun} delete ${type === 'BRANCH' ? 'feature/x' : 'v1'}`,
          `rat ${noun} delete ${type === 'BRANCH' ? 'feature/x' : 'v1'} --expect <hash>   # only if it is still there`,
        ),
      ),
  ).action(async (name: string, opts: ServerOpts & { expect?: string }) => {
    const api = client(opts);
    const expected = opts.expect ?? (await api.getReference(name)).hash;
    const deleted = await api.deleteReference(name, expected, type);
    if (opts.json) return printJson(deleted);
    process.stdout.write(`Deleted ${noun} ${deleted.name} (was ${short(deleted.hash)})\n`);
  });
  return group;
}

/**
 * What `rat branch -v` adds after a reference's hash: `[ahead 2, behind 1]` against the default branch (left out where
 * the server gives no counts: the default branch, tags, a branch that parted too long ago) and the head's subject.
 * Without metadata the reference has no commit yet (`atRoot`), or its history is not the caller's to read.
 *
 * @example headLine({ numCommitsAhead: 2, numCommitsBehind: 0, commitMetaOfHEAD: { message: 'fix\n…' } }, false) // '  [ahead 2] fix'
 */
export function headLine(m: ReferenceMetadata | undefined, atRoot: boolean): string {
  if (!m) return atRoot ? '  (no commits)' : '  (history not readable with your permissions)';
  const counts = [
    m.numCommitsAhead ? `ahead ${m.numCommitsAhead}` : '',
    m.numCommitsBehind ? `behind ${m.numCommitsBehind}` : '',
  ].filter(Boolean);
  const standing = counts.length > 0 ? `[${counts.join(', ')}] ` : '';
  return `  ${standing}${m.commitMetaOfHEAD?.message.split('\n')[0] ?? ''}`;
}
