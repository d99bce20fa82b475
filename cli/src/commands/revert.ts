import type { Command } from 'commander';
import { examples } from '../examples.ts';
import { client, keyText, printJson, short, withServer, type ServerOpts } from '../management.ts';
import { revertCommit } from '../revert/revert-commit.ts';

interface RevertOpts extends ServerOpts {
  on?: string;
  dryRun?: boolean;
  message?: string;
  expect?: string;
}

/** `rat revert <hash> [--on <branch>]`: one new commit that undoes what a commit of the branch changed. */
export function register(program: Command): void {
  withServer(
    program
      .command('revert <hash>')
      .description(
        'Undo a commit of a branch with a new commit (its keys back to their content before it); keys changed since exit with code 2',
      )
      .option('--on <branch>', 'the branch whose history holds the commit (default: the server default branch)')
      .option('--dry-run', 'report what would be undone, change nothing')
      .option('-m, --message <text>', 'commit message (default: Revert "<its message>")')
      .option('--expect <hash>', 'the head you expect the branch at (default: its current head)')
      .addHelpText(
        'after',
        examples(
          'rat revert <hash from rat log>                 # on the default branch',
          'rat revert <hash> --on dev --dry-run',
          'rat revert <merge commit hash>                 # undoes what the merge brought in',
        ),
      ),
  ).action(async (hash: string, opts: RevertOpts) => {
    const api = client(opts);
    const branch = opts.on ?? (await api.getConfig()).defaultBranch;
    const r = await revertCommit(api, branch, hash, opts);
    if (opts.json) return printJson(r);
    const n = r.operations.length;
    if (n === 0) {
      process.stdout.write(`${short(r.reverted)} changed nothing on ${branch}: nothing to revert\n`);
      return;
    }
    process.stdout.write(
      r.dryRun
        ? `Would revert ${short(r.reverted)} on ${branch} (${n} key(s)):\n`
        : `Reverted ${short(r.reverted)} on ${branch} (${n} key(s)): ${short(r.from)} → ${short(r.to)}\n`,
    );
    // Restored: its content before the commit, the key re-created if the commit deleted it; removed: the commit added it.
    for (const op of r.operations)
      process.stdout.write(`  ${op.type === 'DELETE' ? 'removed ' : 'restored'}  ${keyText(op.key)}\n`);
  });
}
