/**
 * Local git-sync state under `.git/rat/` (never checked in, per clone): the journal of missed steps, the recorded fork
 * points of data branches (which data branches this clone created), the data tags it created, and a cache of code
 * sha → data hash links for offline reads. In a linked worktree the clone-wide records (fork points, tags, links,
 * hook config) stay in the common dir's `rat/`, beside the refs they describe, while the journal (pending decisions,
 * merges in progress) is the worktree's own, in its git dir: two worktrees never replay each other's steps.
 */
import path from 'node:path';
import type { FsModule } from '../types.ts';

export interface StateIO {
  fs: FsModule;
  gitdir: string;
  /** A linked worktree's common dir, when it is not `gitdir`. */
  commonDir?: string;
}

/** The clone-wide state folder: `<common dir>/rat`. */
export function ratDir(io: StateIO): string {
  return path.join(io.commonDir ?? io.gitdir, 'rat');
}

/** This checkout's own state folder: `<git dir>/rat` (the same as {@link ratDir} outside linked worktrees). */
export function worktreeRatDir(io: StateIO): string {
  return path.join(io.gitdir, 'rat');
}

export async function readJsonFile<T>(io: StateIO, name: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await io.fs.promises.readFile(path.join(ratDir(io), name), 'utf8')) as T;
  } catch {
    return fallback;
  }
}

/** Write-then-rename so a reader (another hook) never sees half a file. */
export async function writeJsonFile(io: StateIO, name: string, value: unknown): Promise<void> {
  const dir = ratDir(io);
  await io.fs.promises.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}`);
  await io.fs.promises.writeFile(tmp, JSON.stringify(value, null, 2) + '\n');
  await io.fs.promises.rename(tmp, path.join(dir, name));
}

/**
 * A JSON file of records by key under `.git/rat/` (fork points by code branch, created tags by name): read them all,
 * put one, forget one. Each write rewrites the small file whole.
 *
 * @example const forks = keyedRecords<ForkRecord>('forks.json'); await forks.put(io, 'feature', rec)
 */
export function keyedRecords<T>(file: string): {
  read(io: StateIO): Promise<Record<string, T>>;
  put(io: StateIO, key: string, value: T): Promise<void>;
  forget(io: StateIO, key: string): Promise<void>;
} {
  const read = (io: StateIO) => readJsonFile<Record<string, T>>(io, file, {});
  return {
    read,
    async put(io, key, value) {
      const all = await read(io);
      all[key] = value;
      await writeJsonFile(io, file, all);
    },
    async forget(io, key) {
      const all = await read(io);
      if (!(key in all)) return;
      delete all[key];
      await writeJsonFile(io, file, all);
    },
  };
}
