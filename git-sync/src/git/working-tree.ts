/**
 * Whether the working tree is HEAD's code: a run's results belong to a commit only when nothing differs from it.
 */
import path from 'node:path';
import git from 'isomorphic-git';
import type { RepoIO } from './repo.ts';
import { isoGitArgs } from './worktree-fs.ts';

/**
 * The paths whose working-tree or staged content differs from HEAD, new untracked files included (ignored files are
 * not: .gitignore says they are not code), under the project's folder. Empty when it is exactly HEAD's commit.
 *
 * @example if ((await workingTreeChanges(io)).length) io.report.warn('uncommitted changes')
 */
export async function workingTreeChanges(io: RepoIO & { projectDir?: string }): Promise<string[]> {
  // A project below the root (a monorepo) is only the code under its folder: other folders' edits are not its.
  const under = io.projectDir ? path.relative(io.dir, io.projectDir).split(path.sep).join('/') : '';
  const rows = await git.statusMatrix({ ...isoGitArgs(io), ...(under ? { filepaths: [under] } : {}) });
  // A row is [path, head, workdir, stage]; 1,1,1 is a file unchanged since HEAD.
  return rows.filter(([, head, workdir, stage]) => head !== 1 || workdir !== 1 || stage !== 1).map(([p]) => p);
}
