import { GitSyncError } from './git-sync-error.ts';

/**
 * `rat sync` on a detached HEAD (a CI checkout) with no branch to merge into: merging nothing and saying "in step"
 * would hide the forge merges it was run for.
 */
export class DetachedHeadError extends GitSyncError {
  readonly code = 'DETACHED_HEAD' as const;

  /** `branch`: the one to suggest; `merged`: the `--merged` source the user named, kept in the suggested commands. */
  constructor(sha: string, branch: string, merged?: string) {
    const args = merged ? ` --merged ${merged}` : '';
    super(
      `HEAD is detached at ${sha.slice(0, 12)}: rat sync merges data into a branch and has none to merge into. ` +
        `Sync on the branch (\`git checkout ${branch} && rat sync${args}\`) or name it ` +
        `(\`rat sync${args} --into ${branch}\`).`,
      { sha, branch, ...(merged ? { merged } : {}) },
    );
  }
}
