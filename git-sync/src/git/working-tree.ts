/**
 * Whether the working tree is HEAD's code: a run's results belong to a commit only when nothing differs from it.
 */
import path from 'node:path';
import git from 'isomorphic-git';
import { peelToCommit, resolveSha, type RepoIO } from './repo.ts';
import { isoGitArgs } from './worktree-fs.ts';

/**
 * The paths whose working-tree or staged content differs from HEAD (or from commit `since`: a full or abbreviated
 * hash, or a branch or tag name), new untracked files included (ignored files are not: .gitignore says they are not
 * code), under the project's folder; paths from the repository's root. Empty when it is exactly that commit's code.
 *
 * @example if ((await workingTreeChanges(io)).length) io.report.warn('uncommitted changes')
 */
export async function workingTreeChanges(io: RepoIO & { projectDir?: string }, since = 'HEAD'): Promise<string[]> {
  // A project below the root (a monorepo) is only the code under its folder: other folders' edits are not its.
  const under = io.projectDir ? path.relative(io.dir, io.projectDir).split(path.sep).join('/') : '';
  const ref = since === 'HEAD' ? since : await commitOf(io, since);
  const rows = await git.statusMatrix({ ...isoGitArgs(io), ref, ...(under ? { filepaths: [under] } : {}) });
  // A row is [path, head, workdir, stage]; 1,1,1 is a file unchanged since that commit.
  return rows.filter(([, head, workdir, stage]) => head !== 1 || workdir !== 1 || stage !== 1).map(([p]) => p);
}

/**
 * A file's text at commit `since` (as {@link workingTreeChanges} names it), path from the repository's root;
 * undefined when that commit has no such file. What `state:modified` compares a changed configuration with.
 *
 * @example await fileAtCommit(io, 'main', 'rat.yaml')
 */
export async function fileAtCommit(io: RepoIO, since: string, filepath: string): Promise<string | undefined> {
  const oid = await commitOf(io, since);
  try {
    const { blob } = await git.readBlob({ ...isoGitArgs(io), oid, filepath });
    return Buffer.from(blob).toString('utf8');
  } catch {
    return undefined;
  }
}

/** The commit a revision names (a branch, tag or full or abbreviated hash), or a clear error when the clone lacks it. */
async function commitOf(io: RepoIO, rev: string): Promise<string> {
  const args = isoGitArgs(io);
  let oid = await resolveSha(io, rev);
  if (!oid && /^[0-9a-f]{4,40}$/i.test(rev)) {
    oid = await git.expandOid({ ...args, oid: rev.toLowerCase() }).catch(() => undefined);
  }
  try {
    if (oid) return (await git.readCommit({ ...args, oid: await peelToCommit(io, oid) })).oid;
  } catch {
    // a tree or blob rather than a commit, or an object this clone lacks: said below
  }
  throw new Error(`git revision ${rev} is not a commit of this repository (fetch it, or name another)`);
}
