/**
 * Where a branch made by `git worktree add -b <new> <path> [<start>]` came from. git runs post-checkout in the new
 * worktree with a zero previous HEAD, and that worktree's HEAD reflog has no `checkout: moving from A to B` entry to
 * read (what `git checkout -b` leaves): the new branch's own reflog says `branch: Created from <start>` instead.
 */
import path from 'node:path';
import { readReflog, resolveSha, type RepoIO } from './repo.ts';

export interface WorktreeAddSource {
  /** The code branch `<start>` named, or the one checked out where `git worktree add` ran. */
  fromCodeBranch?: string;
  /** The commit the branch starts at, when no single code branch stands for `<start>`. */
  fromSha?: string;
}

/**
 * The source of `branch`, created by this very command at `head`; undefined when the branch is not new (a worktree
 * of an existing branch) or was made from a remote-tracking branch (its data is the team's, not a fork).
 *
 * `<start>` defaults to HEAD: the HEAD of the checkout git ran in, which the hook (running in the new worktree)
 * cannot see. A branch checked out in another checkout at exactly `head` stands for it when there is one such
 * branch; with none or several, the data recorded for the commit is the fork point (`fromSha`).
 *
 * @example await worktreeAddSource(io, 'feat', sha) // { fromCodeBranch: 'main' }
 */
export async function worktreeAddSource(
  io: RepoIO,
  branch: string,
  head: string,
): Promise<WorktreeAddSource | undefined> {
  const log = await readReflog(io, `refs/heads/${branch}`);
  const m = log.length === 1 && log[0]!.newSha === head ? /^branch: Created from (.+)$/.exec(log[0]!.message) : null;
  if (!m) return undefined;
  const start = m[1]!.replace(/^refs\/heads\//, '');
  if (start !== 'HEAD') {
    if (await resolveSha(io, `refs/heads/${start}`)) return { fromCodeBranch: start };
    const remote = start.replace(/^refs\/remotes\//, '');
    if (await resolveSha(io, `refs/remotes/${remote}`)) return undefined;
    return { fromSha: head };
  }
  const candidates = new Set<string>();
  for (const other of await otherCheckoutBranches(io)) {
    if (other !== branch && (await resolveSha(io, `refs/heads/${other}`)) === head) candidates.add(other);
  }
  return candidates.size === 1 ? { fromCodeBranch: [...candidates][0] } : { fromSha: head };
}

/** The branches checked out in the repository's other checkouts: the main one and every linked worktree. */
async function otherCheckoutBranches(io: RepoIO): Promise<string[]> {
  const common = io.commonDir ?? io.gitdir;
  const gitdirs = [common];
  try {
    for (const name of await io.fs.promises.readdir(path.join(common, 'worktrees'))) {
      gitdirs.push(path.join(common, 'worktrees', name));
    }
  } catch {
    // no linked worktree
  }
  const out: string[] = [];
  for (const d of gitdirs) {
    if (path.resolve(d) === path.resolve(io.gitdir)) continue;
    try {
      const m = /^ref: refs\/heads\/(.+?)\s*$/.exec(await io.fs.promises.readFile(path.join(d, 'HEAD'), 'utf8'));
      if (m) out.push(m[1]!);
    } catch {
      // a worktree being created or removed
    }
  }
  return out;
}
