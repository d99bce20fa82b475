import { commitMessage, commitParents, currentBranch, headSha, isRebasing } from '../git/repo.ts';
import { catchUp } from '../internal/catch-up.ts';
import { guarded } from '../internal/guard.ts';
import { recordCodeLink } from '../record-code-link.ts';
import type { GitSyncIO, HookOutcome } from '../types.ts';
import { applyCodeMerge } from './apply-code-merge.ts';
import { hintDataRevert } from './revert-hint.ts';

/**
 * post-commit: records code sha → the data head it saw, on the server. A merge commit made by `git commit` after
 * resolving code conflicts (git runs post-commit, not post-merge, then) also merges the data. A `git revert` of a code
 * merge names the `rat revert` of its data merge. Detached commits and rebase picks are left to post-rewrite. Always
 * exit 0.
 *
 * @example await onPostCommit(io)
 */
export async function onPostCommit(io: GitSyncIO): Promise<HookOutcome> {
  if (isRebasing(io)) return { exitCode: 0 };
  const branch = await currentBranch(io);
  const sha = await headSha(io);
  if (!branch || !sha) return { exitCode: 0 };
  await catchUp(io);
  const parents = await commitParents(io, sha);
  if (parents.length > 1) {
    await applyCodeMerge(io, {
      targetBranch: branch,
      mergeSha: sha,
      mergedSha: parents[1],
      hints: [await commitMessage(io, sha)],
    });
    return { exitCode: 0 };
  }
  await guarded(
    io,
    `recording the data of commit ${sha.slice(0, 12)}`,
    { kind: 'record-link', sha, codeBranch: branch },
    async () => {
      const link = await recordCodeLink(io, sha, branch);
      io.report.info(`commit ${sha.slice(0, 12)} ↔ data ${link.dataRef}@${link.dataHash.slice(0, 12)}`);
    },
  );
  await hintDataRevert(io, await commitMessage(io, sha));
  return { exitCode: 0 };
}
