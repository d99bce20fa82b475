/**
 * Which folder of a repository is the rat project (the folder holding `rat.yaml` or `.rat.json`). A repository may
 * keep its data project below the root (a monorepo with `analytics/rat.yaml`):
 *
 * - a command uses the nearest project config walking up from where it runs, up to the root of the working tree
 *   (never above it: a config outside the repository is not this repository's project);
 * - the hooks, which git runs at the root, follow the project named by `rat.project` in the repository's git config
 *   (a folder relative to the root, written by `rat init` and `rat hooks install` run inside the project), else the
 *   root's own config. A command run outside any project folder (the root of a monorepo) uses that one too.
 *
 * One project per repository is kept in step by the hooks: with two, the one `rat.project` names.
 */
import path from 'node:path';
import git from 'isomorphic-git';
import type { GitDirs } from '../git/git-paths.ts';
import { isoGitArgs } from '../git/worktree-fs.ts';
import type { FsModule } from '../types.ts';
import { PROJECT_CONFIG_FILES } from './default-project-config.ts';

/** The git config key naming the project folder the hooks follow. */
export const PROJECT_CONFIG_KEY = 'rat.project';

/** Whether `dir` holds a project config. */
export function hasProjectConfig(fs: FsModule, dir: string): boolean {
  return PROJECT_CONFIG_FILES.some((name) => fs.existsSync(path.join(dir, name)));
}

/**
 * The nearest folder from `cwd` up to `root` (both included) that holds a project config; undefined when none does
 * or `cwd` is not inside `root`.
 *
 * @example nearestProjectDir(fs, '/repo', '/repo/analytics/gold') // '/repo/analytics' when it holds rat.yaml
 */
export function nearestProjectDir(fs: FsModule, root: string, cwd: string): string | undefined {
  // git prints the root with symlinks resolved (`/private/tmp` for `/tmp`): compare real paths.
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  const top = real(root);
  let dir = real(cwd);
  if (dir !== top && !dir.startsWith(top + path.sep)) return undefined;
  for (;;) {
    // Said under `root` as the caller spelled it, so paths relative to the root stay short.
    if (hasProjectConfig(fs, dir)) return path.join(path.resolve(root), path.relative(top, dir));
    if (dir === top) return undefined;
    dir = path.dirname(dir);
  }
}

/**
 * The project folder the hooks follow: `rat.project` in the git config, resolved against the root `dir` (a value
 * that leaves the working tree is ignored), else the root itself.
 *
 * @example await followedProjectDir({ fs, dir: '/repo', gitdir: '/repo/.git' }) // '/repo/analytics'
 */
export async function followedProjectDir(io: GitDirs & { fs: FsModule; dir: string }): Promise<string> {
  let value: unknown;
  try {
    value = await git.getConfig({ ...isoGitArgs(io), path: PROJECT_CONFIG_KEY });
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string' || !value.trim()) return io.dir;
  const dir = path.resolve(io.dir, value.trim());
  const top = path.resolve(io.dir);
  return dir === top || dir.startsWith(top + path.sep) ? dir : io.dir;
}

/**
 * Picks the repository's one project among the project config files git tracks (paths relative to the root), for
 * `rat hooks install` run outside any project folder: the root's when it has one, else the only one; undefined when
 * there is none or several (the caller asks to run it inside the one to follow).
 *
 * @example soleProject(['analytics/rat.yaml', 'README.md']) // 'analytics'
 */
export function soleProject(trackedFiles: string[]): string | undefined {
  const dirs = new Set<string>();
  for (const f of trackedFiles) {
    const base = f.split('/').pop()!;
    if ((PROJECT_CONFIG_FILES as readonly string[]).includes(base)) dirs.add(path.posix.dirname(f));
  }
  if (dirs.has('.')) return '.';
  return dirs.size === 1 ? [...dirs][0] : undefined;
}
