import fs from 'node:fs';
import type { Command } from 'commander';
import {
  InvalidProjectConfigError,
  NotAGitRepositoryError,
  onPostCheckout,
  onPostCommit,
  onPostMerge,
  onPostRewrite,
  onPreMergeCommit,
  onReferenceTransaction,
  openGitSync,
  parseRefUpdates,
  parseRewrites,
  type GitSyncIO,
  type HookOutcome,
} from '@ratatouille/git-sync';
import { engineRebuild } from '../rebuild.ts';

/** Hooks that merge data (a concluded merge's post-commit included). */
const MERGING_HOOKS = new Set(['pre-merge-commit', 'post-merge', 'post-commit']);

/** Hooks whose input comes on stdin: it must be read (and fully, so git never sees a broken pipe). */
const STDIN_HOOKS = new Set(['reference-transaction', 'post-rewrite']);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function dispatch(io: GitSyncIO, name: string, args: string[], stdin: string): Promise<HookOutcome> {
  const reflogAction = process.env['GIT_REFLOG_ACTION'];
  switch (name) {
    case 'post-checkout':
      return onPostCheckout(io, {
        previousHead: args[0] ?? '',
        newHead: args[1] ?? '',
        branchCheckout: args[2] === '1',
      });
    case 'post-commit':
      return onPostCommit(io);
    case 'pre-merge-commit':
      return onPreMergeCommit(io, { reflogAction });
    case 'post-merge':
      return onPostMerge(io, { squash: args[0] === '1', reflogAction });
    case 'reference-transaction':
      return onReferenceTransaction(io, { state: args[0] ?? '', updates: parseRefUpdates(stdin) });
    case 'post-rewrite':
      return onPostRewrite(io, { command: args[0] ?? '', rewrites: parseRewrites(stdin) });
    default:
      return { exitCode: 0 };
  }
}

/**
 * `rat hook <git-hook> [args…]`: what the shims in `hooks/shims/` call. Never fails a git operation by accident:
 * anything unexpected is a warning and exit 0; only a data conflict in pre-merge-commit exits 1 (stopping the merge).
 */
export function register(program: Command): void {
  program
    .command('hook', { hidden: true })
    .description('Run git-sync for a git hook (internal: the installed hook shims call it)')
    .argument('<name>', 'git hook name')
    .argument('[args...]', "git's arguments")
    .allowUnknownOption()
    .action(async (name: string, args: string[]) => {
      const stdin = STDIN_HOOKS.has(name) ? await readStdin() : '';
      // reference-transaction runs for every ref update; only the committed state is acted on, so return early.
      if (name === 'reference-transaction' && args[0] !== 'committed') return;
      if (process.env['RAT_SKIP_HOOKS'] === '1') return;
      try {
        const io = await openGitSync({ fs, gitDir: process.env['GIT_DIR'], env: process.env, followedProject: true });
        // Hooks that merge data may have to rebuild derived tables with the merged code.
        if (MERGING_HOOKS.has(name)) io.rebuild = engineRebuild(io);
        const outcome = await dispatch(io, name, args, stdin);
        process.exitCode = outcome.exitCode;
      } catch (err) {
        // A repository without rat.yaml where the hooks look (hooks left behind, or a submodule): nothing to keep in
        // step. A config that is there but wrong is still said (the hooks may follow a project below the root).
        if (err instanceof InvalidProjectConfigError && /^not found/.test(String(err.data['reason']))) return;
        if (err instanceof NotAGitRepositoryError) return;
        process.stderr.write(
          `rat: ⚠ WARNING: the ${name} hook failed: ${(err as Error).message}\nrat: git went ahead; run \`rat sync\` to reconcile.\n`,
        );
        process.exitCode = 0;
      }
    });
}
