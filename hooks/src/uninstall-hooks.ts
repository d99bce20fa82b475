import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { HOOK_MARKER, RAT_HOOKS, hooksDir, type RatHook } from './hook-names.ts';

export interface UninstallReport {
  removed: RatHook[];
  restored: Array<{ hook: RatHook; path: string }>;
  /** Hooks that are not ours and were left alone. */
  foreign: Array<{ hook: RatHook; path: string }>;
}

/**
 * Removes Ratatouille's hook shims (only files carrying the marker, never a user's hook) and puts back any hook that
 * `installHooks({ force: true })` moved aside. Deliberately not simple-git-hooks' `removeHooks`, which deletes every
 * hook in the folder.
 *
 * @example uninstallHooks({ dir: repo })
 */
export function uninstallHooks(opts: { dir: string; gitdir?: string }): UninstallReport {
  const gitdir = opts.gitdir ?? path.join(opts.dir, '.git');
  const dir = hooksDir(opts.dir, gitdir);
  const report: UninstallReport = { removed: [], restored: [], foreign: [] };
  for (const hook of RAT_HOOKS) {
    const file = path.join(dir, hook);
    if (existsSync(file)) {
      if (readFileSync(file, 'utf8').includes(HOOK_MARKER)) {
        rmSync(file);
        report.removed.push(hook);
      } else {
        report.foreign.push({ hook, path: file });
        continue;
      }
    }
    const backup = `${file}.rat-backup`;
    if (existsSync(backup)) {
      renameSync(backup, file);
      report.restored.push({ hook, path: file });
    }
  }
  rmSync(path.join(gitdir, 'rat', 'simple-git-hooks.json'), { force: true });
  return report;
}
