/**
 * The journals of the repository's other checkouts: the main one and every linked worktree but this one. Each
 * checkout keeps its own (see journal.ts), so steps pending there wait for `rat sync` there, and a linked worktree's
 * go with it on `git worktree remove`: `rat status` names them so they are not forgotten.
 */
import path from 'node:path';
import { readJournal } from './journal.ts';
import type { StateIO } from './rat-dir.ts';

export interface OtherCheckoutJournal {
  /** The checkout's working tree. */
  worktree: string;
  /** Journaled steps (missed steps and pending decisions) waiting there. */
  steps: number;
}

/** @example await otherCheckoutJournals(io) // [{ worktree: '/src/shop-fix', steps: 1 }] */
export async function otherCheckoutJournals(io: StateIO): Promise<OtherCheckoutJournal[]> {
  const common = io.commonDir ?? io.gitdir;
  const gitdirs = [common];
  try {
    for (const name of await io.fs.promises.readdir(path.join(common, 'worktrees')))
      gitdirs.push(path.join(common, 'worktrees', name));
  } catch {
    // no linked worktree
  }
  const out: OtherCheckoutJournal[] = [];
  for (const gitdir of gitdirs) {
    if (path.resolve(gitdir) === path.resolve(io.gitdir)) continue;
    const steps = (await readJournal({ fs: io.fs, gitdir })).length;
    if (steps) out.push({ worktree: await worktreeOf(io, gitdir, common), steps });
  }
  return out;
}

/** A linked worktree's git dir names its `.git` file in `gitdir`; the main checkout is the common dir's parent. */
async function worktreeOf(io: StateIO, gitdir: string, common: string): Promise<string> {
  if (gitdir === common) return path.dirname(common);
  try {
    return path.dirname((await io.fs.promises.readFile(path.join(gitdir, 'gitdir'), 'utf8')).trim());
  } catch {
    return gitdir;
  }
}
