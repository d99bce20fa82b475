import type { Command } from 'commander';
import { client, keyText, printJson, short, withServer, type ServerOpts } from '../management.ts';
import { examples } from '../examples.ts';
import { detailLine } from './merge.ts';

interface CherryPickOpts extends ServerOpts {
  from?: string;
  onto?: string;
  dryRun?: boolean;
  message?: string;
}

/** Nessie's name for a source of bare commits: any commit will do, found by its hash alone. */
const DETACHED = 'DETACHED';

/**
 * `rat cherry-pick <hash...> --onto <branch>`: copies commits of another branch onto a branch, each as a new commit
 * with its author and message (the management API's transplant), as `git cherry-pick` does; a key both changed
 * that the catalog cannot merge is a conflict (exit code 2) and nothing is copied.
 */
export function register(program: Command): void {
  withServer(
    program
      .command('cherry-pick <hash...>')
      .description(
        'Copy commits (oldest first) of another branch onto a branch, each as a new commit; conflicts exit with code 2',
      )
      .option('--onto <branch>', 'the branch to copy them to (default: the server default branch)')
      .option(
        '--from <ref>',
        'the branch or tag whose history holds them (default: any commit, which with auth on needs read everywhere)',
      )
      .option('--dry-run', 'report what would happen, change nothing')
      .option('-m, --message <text>', 'commit message (one commit only; default: its own)')
      .addHelpText(
        'after',
        examples(
          'rat cherry-pick <hash from rat log feature> --from feature        # onto the default branch',
          'rat cherry-pick <older> <newer> --from feature --onto dev --dry-run',
        ),
      ),
  ).action(async (hashes: string[], opts: CherryPickOpts) => {
    const api = client(opts);
    const onto = opts.onto ?? (await api.getConfig()).defaultBranch;
    const target = await api.getReference(onto);
    const from = opts.from ?? DETACHED;
    const result = await api.transplant(onto, target.hash, from, hashes, {
      dryRun: opts.dryRun ?? false,
      returnConflictAsResult: true,
      ...(opts.message ? { message: opts.message } : {}),
    });
    if (!result.wasSuccessful) process.exitCode = 2;
    if (opts.json) return printJson(result);
    const what = `${hashes.length} commit(s)${opts.from ? ` of ${opts.from}` : ''}`;
    if (!result.wasSuccessful) {
      const conflicts = result.details.filter((d) => d.conflict);
      process.stdout.write(
        `Cherry-pick of ${what} onto ${onto} has ${conflicts.length} conflict(s); nothing changed:\n`,
      );
      for (const d of conflicts) process.stdout.write(`  C  ${keyText(d.key)}: ${d.conflict!.message}\n`);
      return;
    }
    process.stdout.write(
      opts.dryRun
        ? `Would copy ${what} onto ${onto}\n`
        : result.wasApplied
          ? `Copied ${what} onto ${onto}: ${short(target.hash)} → ${short(result.resultantTargetHash)}\n`
          : `Nothing to copy: ${onto} already holds every change of ${what} (no commit made)\n`,
    );
    for (const d of result.details) process.stdout.write(`${detailLine(d)}\n`);
  });
}
