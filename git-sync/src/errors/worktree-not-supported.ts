import { GitSyncError } from './git-sync-error.ts';

/**
 * The working tree is a linked worktree (`git worktree add`). Its HEAD, index and merge state live in its own git dir
 * while refs and objects live in the main repository's; the git reader under git-sync (isomorphic-git) reads one
 * git dir only, so it would read the wrong branch. Refusing by name beats an ENOTDIR or a wrong answer.
 */
export class WorktreeNotSupportedError extends GitSyncError {
  readonly code = 'WORKTREE_NOT_SUPPORTED' as const;

  constructor(dir: string, gitdir: string) {
    super(
      `${dir} is a linked worktree (git worktree add, git dir ${gitdir}): rat does not keep data branches in step ` +
        'in worktrees yet. Branch, merge and sync from the main checkout, or here pass the data branch yourself ' +
        '(`rat run --branch <data branch>`, `rat branch create <name> --from main`).',
      { dir, gitdir },
    );
  }
}
