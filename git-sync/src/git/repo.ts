/**
 * Internal helpers that read repository state with isomorphic-git (refs, HEAD, commits, merge bases) and the few
 * files git keeps for an operation in progress (reflog, MERGE_HEAD, MERGE_MSG) that isomorphic-git has no API for.
 */
import git from 'isomorphic-git';
import type { FsModule } from '../types.ts';
import { gitPath } from './git-paths.ts';
import { isoGitArgs } from './worktree-fs.ts';

export interface RepoIO {
  fs: FsModule;
  dir: string;
  /** This checkout's git dir: `.git`, or a linked worktree's `.git/worktrees/<name>`. */
  gitdir: string;
  /** A linked worktree's common dir (refs, objects, config), when it is not `gitdir`. */
  commonDir?: string;
}

export const ZERO_SHA = '0000000000000000000000000000000000000000';

/** The checked-out branch's short name, or undefined on a detached HEAD. */
export async function currentBranch(io: RepoIO): Promise<string | undefined> {
  const b = await git.currentBranch({ ...isoGitArgs(io), fullname: false });
  return b ?? undefined;
}

/** HEAD's commit sha, or undefined in a repository with no commit yet. */
export async function headSha(io: RepoIO): Promise<string | undefined> {
  try {
    return await git.resolveRef({ ...isoGitArgs(io), ref: 'HEAD' });
  } catch {
    return undefined;
  }
}

export async function resolveSha(io: RepoIO, ref: string): Promise<string | undefined> {
  try {
    return await git.resolveRef({ ...isoGitArgs(io), ref });
  } catch {
    return undefined;
  }
}

/** Follows annotated tags down to the commit they point at. */
export async function peelToCommit(io: RepoIO, oid: string): Promise<string> {
  for (let i = 0; i < 10; i++) {
    try {
      const tag = await git.readTag({ ...isoGitArgs(io), oid });
      oid = tag.tag.object;
    } catch {
      return oid;
    }
  }
  return oid;
}

export async function commitParents(io: RepoIO, sha: string): Promise<string[]> {
  const c = await git.readCommit({ ...isoGitArgs(io), oid: sha });
  return c.commit.parent;
}

export async function commitMessage(io: RepoIO, sha: string): Promise<string> {
  const c = await git.readCommit({ ...isoGitArgs(io), oid: sha });
  return c.commit.message;
}

/** First-parent history from `sha`, newest first, at most `depth` commits. */
export async function firstParentLog(
  io: RepoIO,
  sha: string,
  depth: number,
): Promise<Array<{ sha: string; parents: string[]; message: string }>> {
  const out: Array<{ sha: string; parents: string[]; message: string }> = [];
  let cur: string | undefined = sha;
  while (cur && out.length < depth) {
    const c = await git.readCommit({ ...isoGitArgs(io), oid: cur });
    out.push({ sha: cur, parents: c.commit.parent, message: c.commit.message });
    cur = c.commit.parent[0];
  }
  return out;
}

export async function mergeBase(io: RepoIO, a: string, b: string): Promise<string | undefined> {
  const bases = await git.findMergeBase({ ...isoGitArgs(io), oids: [a, b] });
  return bases[0];
}

/** Local branch name → tip sha. */
export async function localBranchTips(io: RepoIO): Promise<Map<string, string>> {
  const names = await git.listBranches({ ...isoGitArgs(io) });
  const tips = new Map<string, string>();
  for (const n of names) {
    const sha = await resolveSha(io, `refs/heads/${n}`);
    if (sha) tips.set(n, sha);
  }
  return tips;
}

/** Remote-tracking branches as `remote/name` → tip sha. */
export async function remoteBranchTips(io: RepoIO): Promise<Map<string, string>> {
  const tips = new Map<string, string>();
  let remotes: Array<{ remote: string }> = [];
  try {
    remotes = await git.listRemotes({ ...isoGitArgs(io) });
  } catch {
    return tips;
  }
  for (const { remote } of remotes) {
    const names = await git.listBranches({ ...isoGitArgs(io), remote });
    for (const n of names) {
      if (n === 'HEAD') continue;
      const sha = await resolveSha(io, `refs/remotes/${remote}/${n}`);
      if (sha) tips.set(`${remote}/${n}`, sha);
    }
  }
  return tips;
}

export interface ReflogEntry {
  oldSha: string;
  newSha: string;
  message: string;
}

/** The reflog of `ref` (`HEAD`, `refs/heads/x`), oldest first; empty when git keeps none. */
export async function readReflog(io: RepoIO, ref: string): Promise<ReflogEntry[]> {
  let text: string;
  try {
    text = await io.fs.promises.readFile(gitPath(io, `logs/${ref}`), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [head, message = ''] = line.split('\t');
      const [oldSha, newSha] = head.split(' ');
      return { oldSha, newSha, message };
    });
}

/** `checkout: moving from A to B` → `{ from: 'A', to: 'B' }` for the latest HEAD reflog entry, if it is one. */
export async function lastCheckoutMove(io: RepoIO): Promise<{ from: string; to: string } | undefined> {
  const log = await readReflog(io, 'HEAD');
  const last = log[log.length - 1];
  const m = last && /^checkout: moving from (.+) to (.+)$/.exec(last.message);
  return m ? { from: m[1], to: m[2] } : undefined;
}

/** The shas git is merging in (`MERGE_HEAD`), present between the start of a merge and its commit. */
export async function readMergeHeads(io: RepoIO): Promise<string[]> {
  try {
    const text = await io.fs.promises.readFile(gitPath(io, 'MERGE_HEAD'), 'utf8');
    return text
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}

export async function readGitFile(io: RepoIO, name: string): Promise<string | undefined> {
  try {
    return await io.fs.promises.readFile(gitPath(io, name), 'utf8');
  } catch {
    return undefined;
  }
}

/** True while git is rebasing (HEAD is detached on purpose; post-checkout and post-commit stay quiet then). */
export function isRebasing(io: RepoIO): boolean {
  return io.fs.existsSync(gitPath(io, 'rebase-merge')) || io.fs.existsSync(gitPath(io, 'rebase-apply'));
}
