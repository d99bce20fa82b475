/**
 * Local git-sync state under `.git/rat/` (never checked in, per clone): the journal of missed steps, the recorded fork
 * points of data branches (which data branches this clone created), the data tags it created, and a cache of code
 * sha → data hash links for offline reads.
 */
import path from 'node:path';
import type { FsModule } from '../types.ts';

export interface StateIO {
  fs: FsModule;
  gitdir: string;
}

export function ratDir(io: StateIO): string {
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
