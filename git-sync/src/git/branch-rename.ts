/**
 * Telling a branch rename (`git branch -m old new`) from a deletion inside the reference-transaction hook. git's files
 * backend renames by moving the old reflog aside (`logs/refs/.tmp-renamed-log`), deleting the old ref (the only
 * update the hook sees) and only then writing the new ref, outside any transaction: at hook time the new name is on
 * disk nowhere, so it is read from the command git was given. Other backends report the creation in the same
 * transaction, which is used first.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { FsModule } from '../types.ts';
import { ZERO_SHA } from './repo.ts';

/** True while git's files backend is renaming a ref: its old reflog waits under this name for the new ref. */
export function renameInProgress(io: { fs: FsModule; commonDir: string }): boolean {
  return io.fs.existsSync(path.join(io.commonDir, 'logs', 'refs', '.tmp-renamed-log'));
}

/** A branch created at `sha` in the same transaction that deleted the old one (reftable, newer backends). */
export function createdInTransaction(
  updates: Array<{ oldSha: string; newSha: string; ref: string }>,
  sha: string,
): string | undefined {
  // git reports a deletion whose old value it did not check with a zero old sha: that is no sha to match.
  if (sha === ZERO_SHA) return undefined;
  const u = updates.find((x) => x.ref.startsWith('refs/heads/') && x.oldSha === ZERO_SHA && x.newSha === sha);
  return u?.ref.slice('refs/heads/'.length);
}

/**
 * The new name in `git [opts] branch -m|-M|--move [--force] [old] new` whose old name is `deleted`, else undefined.
 * Pure: `words` is the command line split on spaces (branch names never contain one).
 *
 * @example moveTarget(['git', 'branch', '-m', 'a', 'b'], 'a', 'a') // 'b'
 */
export function moveTarget(words: string[], deleted: string, current: string | undefined): string | undefined {
  const at = words.indexOf('branch');
  if (at < 0 || !/(^|\/)git$/.test(words[0] ?? '')) return undefined;
  const rest = words.slice(at + 1);
  const flags = rest.filter((w) => w.startsWith('-'));
  if (!flags.some((f) => f === '--move' || /^-[a-zA-Z]*[mM][a-zA-Z]*$/.test(f))) return undefined;
  const names = rest.filter((w) => !w.startsWith('-'));
  const [oldName, newName] = names.length === 1 ? [current, names[0]] : names;
  return names.length <= 2 && oldName === deleted && newName && newName !== deleted ? newName : undefined;
}

/** The command lines of this process's ancestors (the git that ran the hook is one), nearest first. */
export function ancestorCommands(maxDepth = 8): string[][] {
  const out: string[][] = [];
  let pid = process.ppid;
  for (let i = 0; i < maxDepth && pid > 1; i++) {
    let line: string;
    try {
      line = execFileSync('ps', ['-o', 'ppid=', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    } catch {
      break; // no `ps` (or the process is gone): the caller says it could not tell the new name
    }
    const [parent, ...args] = line.split(/\s+/);
    out.push(args);
    pid = Number(parent);
  }
  return out;
}
