/**
 * Where a file of a repository lives when the working tree is a linked worktree (`git worktree add`). Such a worktree
 * has its own git dir (`<common>/worktrees/<name>`, named by the `gitdir:` line of its `.git` file) holding HEAD, the
 * index and the state of an operation in progress; refs, objects, config and hooks stay in the common dir that its
 * `commondir` file names. The split below is git's own (gitrepository-layout, `common_list` in git's path.c).
 */
import path from 'node:path';
import type { FsModule } from '../types.ts';

/** A repository's git dirs: `gitdir` is the checkout's own, `commonDir` (when it differs) holds refs and objects. */
export interface GitDirs {
  gitdir: string;
  commonDir?: string;
}

/** Top-level entries git keeps in the common dir; everything else (HEAD, index, MERGE_HEAD, …) is per worktree. */
const COMMON = new Set([
  'branches',
  'common',
  'config',
  'description',
  'hooks',
  'info',
  'logs',
  'lost-found',
  'objects',
  'packed-refs',
  'refs',
  'remotes',
  'rr-cache',
  'shallow',
  'svn',
  'worktrees',
]);

/** Paths under a common entry that are still per worktree. */
const PER_WORKTREE = ['logs/HEAD', 'refs/bisect', 'refs/worktree', 'refs/rewritten', 'info/sparse-checkout'];

/**
 * Whether `name` (relative to a git dir, `/`-separated) lives in the common dir.
 *
 * @example isCommonPath('refs/heads/main') // true; isCommonPath('HEAD') // false; isCommonPath('logs/HEAD') // false
 */
export function isCommonPath(name: string): boolean {
  const n = name.replace(/\\/g, '/').replace(/^\/+/, '');
  if (!COMMON.has(n.split('/')[0]!)) return false;
  return !PER_WORKTREE.some((p) => n === p || n.startsWith(`${p}/`));
}

/**
 * The absolute path of `name` (`HEAD`, `MERGE_HEAD`, `logs/refs/heads/x`) in this checkout's repository.
 *
 * @example gitPath({ gitdir: '/r/.git/worktrees/wt', commonDir: '/r/.git' }, 'logs/refs/heads/x') // '/r/.git/logs/refs/heads/x'
 */
export function gitPath(dirs: GitDirs, name: string): string {
  return path.join(dirs.commonDir && isCommonPath(name) ? dirs.commonDir : dirs.gitdir, name);
}

/** The common dir a linked worktree's git dir names in its `commondir` file, or undefined (a main checkout). */
export function readCommonDir(fs: FsModule, gitdir: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(gitdir, 'commondir'), 'utf8');
  } catch {
    return undefined;
  }
  const rel = text.trim();
  return rel ? path.resolve(gitdir, rel) : undefined;
}
