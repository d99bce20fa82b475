import { findCodeLink } from './find-code-link.ts';
import { localBranchTips, remoteBranchTips, resolveSha } from './git/repo.ts';
import type { GitSyncIO } from './types.ts';

/**
 * Which code branch a merged commit `sha` came from. Names the user typed (`GIT_REFLOG_ACTION` = `merge feature`,
 * the reflog's `merge feature: Fast-forward`, `Merge branch 'feature'` messages) win when they resolve to `sha`; then
 * any local branch at `sha`, then any remote-tracking branch at `sha` (its remote prefix dropped: the data branch is
 * shared), then the branch recorded in the code link of `sha`.
 *
 * @example await findMergeSource(io, mergeHead, 'main', ['feature']) // 'feature'
 */
export async function findMergeSource(
  io: GitSyncIO,
  sha: string,
  targetBranch: string,
  hints: string[],
): Promise<string | undefined> {
  const remotes = await remoteBranchTips(io);
  for (const hint of hints) {
    const name = hint.replace(/^refs\/heads\//, '');
    if (name === targetBranch) continue;
    if ((await resolveSha(io, `refs/heads/${name}`)) === sha) return name;
    const remoteName = name.replace(/^refs\/remotes\//, '');
    if (remotes.get(remoteName) === sha) return remoteName.slice(remoteName.indexOf('/') + 1);
  }
  const locals = await localBranchTips(io);
  for (const [name, tip] of locals) if (tip === sha && name !== targetBranch) return name;
  for (const [name, tip] of remotes) {
    const short = name.slice(name.indexOf('/') + 1);
    if (tip === sha && short !== targetBranch) return short;
  }
  for (const hint of hints) {
    // A branch merged on a forge and deleted since: trust the name from the merge message.
    if (hint && hint !== targetBranch && !/^[0-9a-f]{7,40}$/.test(hint)) return hint.replace(/^refs\/heads\//, '');
  }
  const link = await findCodeLink(io, sha).catch(() => undefined);
  return link?.codeBranch && link.codeBranch !== targetBranch ? link.codeBranch : undefined;
}
