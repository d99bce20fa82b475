import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** The git hooks Ratatouille installs; each has a shim in `hooks/shims/`. */
export const RAT_HOOKS = [
  'post-checkout',
  'post-commit',
  'pre-merge-commit',
  'post-merge',
  'reference-transaction',
  'post-rewrite',
] as const;
export type RatHook = (typeof RAT_HOOKS)[number];

/** Every installed shim carries this word, so install and uninstall can tell ours from a user's own hook. */
export const HOOK_MARKER = 'ratatouille-hook';

/** The folder git runs hooks from: `core.hooksPath` when set (as simple-git-hooks resolves it), else `.git/hooks`. */
export function hooksDir(dir: string, gitdir: string): string {
  try {
    const custom = execFileSync('git', ['config', 'core.hooksPath'], { cwd: dir, encoding: 'utf8' }).trim();
    if (custom) return path.isAbsolute(custom) ? custom : path.resolve(dir, custom);
  } catch {
    // unset: git exits 1
  }
  return path.join(gitdir, 'hooks');
}
