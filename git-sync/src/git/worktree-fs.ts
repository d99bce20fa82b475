/**
 * isomorphic-git reads one git dir: given a linked worktree's own git dir it finds HEAD and the index but no refs
 * and no objects (it does not follow `commondir`). Rather than two readers, it is given a view of the file system
 * in which the worktree's git dir holds both: paths git keeps in the common dir are read from there.
 */
import path from 'node:path';
import { isCommonPath, type GitDirs } from './git-paths.ts';
import type { FsModule } from '../types.ts';

/** The `{ fs, dir, gitdir }` to hand isomorphic-git for a checkout, a linked worktree's included. */
export function isoGitArgs(io: GitDirs & { fs: FsModule; dir: string }): { fs: FsModule; dir: string; gitdir: string } {
  if (!io.commonDir || path.resolve(io.commonDir) === path.resolve(io.gitdir))
    return { fs: io.fs, dir: io.dir, gitdir: io.gitdir };
  return { fs: worktreeFs(io.fs, io.gitdir, io.commonDir), dir: io.dir, gitdir: io.gitdir };
}

const viewCache = new WeakMap<FsModule, Map<string, FsModule>>();

/**
 * `fs` with the paths under `gitdir` that git keeps in the common dir redirected to `commonDir`. Cached per
 * (fs, gitdir, commonDir) so isomorphic-git's own caches keyed on the fs object keep working across calls.
 */
export function worktreeFs(fs: FsModule, gitdir: string, commonDir: string): FsModule {
  const key = `${gitdir}\0${commonDir}`;
  let views = viewCache.get(fs);
  if (!views) viewCache.set(fs, (views = new Map()));
  const cached = views.get(key);
  if (cached) return cached;
  const root = path.resolve(gitdir);
  const map = (p: unknown): unknown => {
    if (typeof p !== 'string') return p;
    const abs = path.resolve(p);
    if (!abs.startsWith(root + path.sep)) return p;
    const rel = abs.slice(root.length + 1);
    return isCommonPath(rel) ? path.join(commonDir, rel) : p;
  };
  const promises: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(fs.promises)) {
    if (typeof fn !== 'function') continue;
    // rename and symlink take two paths; every other call takes its path first.
    promises[name] =
      name === 'rename' || name === 'symlink' || name === 'link' || name === 'copyFile' || name === 'cp'
        ? (a: unknown, b: unknown, ...rest: unknown[]) =>
            (fn as (...a: unknown[]) => unknown).call(fs.promises, map(a), map(b), ...rest)
        : (a: unknown, ...rest: unknown[]) => (fn as (...a: unknown[]) => unknown).call(fs.promises, map(a), ...rest);
  }
  // isomorphic-git uses `promises` when it is an enumerable own property.
  const view = { promises } as unknown as FsModule;
  views.set(key, view);
  return view;
}
