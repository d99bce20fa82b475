import { commitMessage, commitParents, currentBranch, headSha, readReflog, resolveSha } from '../git/repo.ts';
import { catchUp } from '../internal/catch-up.ts';
import { mergeHints } from '../merge-hints.ts';
import type { GitSyncIO, HookOutcome } from '../types.ts';
import { applyCodeMerge } from './apply-code-merge.ts';

/**
 * post-merge: the code merge is done (a merge commit, a fast-forward, or `git pull`); merge the data of the merged
 * branch atomically. The merged commit is the merge commit's second parent, or the new HEAD for a fast-forward; the
 * branch name comes from what the user typed (`GIT_REFLOG_ACTION`, the reflog) or from the branches at that commit.
 * Always exit 0.
 *
 * @example await onPostMerge(io, { squash: false, reflogAction: process.env.GIT_REFLOG_ACTION })
 */
export async function onPostMerge(
  io: GitSyncIO,
  args: { squash: boolean; reflogAction?: string },
): Promise<HookOutcome> {
  const target = await currentBranch(io);
  const sha = await headSha(io);
  if (!target || !sha) return { exitCode: 0 };
  await catchUp(io);
  const log = await readReflog(io, 'HEAD');
  const last = log[log.length - 1]?.message;
  if (args.squash) {
    // `merge --squash` stages the changes without a commit; the merged tip is what the user named.
    const hints = mergeHints(args.reflogAction);
    const mergedSha = hints.length ? await resolveSha(io, hints[0]) : undefined;
    if (mergedSha) await applyCodeMerge(io, { targetBranch: target, mergeSha: undefined, mergedSha, hints });
    return { exitCode: 0 };
  }
  const parents = await commitParents(io, sha);
  const mergedSha = parents.length > 1 ? parents[1] : sha;
  const hints = mergeHints(args.reflogAction, last, parents.length > 1 ? await commitMessage(io, sha) : undefined);
  await applyCodeMerge(io, { targetBranch: target, mergeSha: sha, mergedSha, hints });
  return { exitCode: 0 };
}
