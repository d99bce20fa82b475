import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOOK_MARKER, RAT_HOOKS, hooksDir, type RatHook } from './hook-names.ts';

export interface InstallHooksOptions {
  /** Working tree root. */
  dir: string;
  /** `.git` directory (default `<dir>/.git`). */
  gitdir?: string;
  /** How a hook runs the CLI, already shell-quoted, e.g. `"/usr/bin/node" "/opt/rat/cli/bin/rat.js"` or `rat`. */
  ratCommand: string;
  /** Move a user's own hook aside to `<hook>.rat-backup` and install ours (uninstall puts it back). */
  force?: boolean;
}

export interface InstallReport {
  /** Written now, or already ours and unchanged. */
  installed: RatHook[];
  /** A user's hook is in the way and was left untouched (ours is NOT active for it). */
  kept: Array<{ hook: RatHook; path: string }>;
  /** A user's hook moved to this path (with `force`). */
  backedUp: Array<{ hook: RatHook; path: string }>;
  hooksDir: string;
  /** The simple-git-hooks config that was applied. */
  configFile: string;
}

interface SimpleGitHooks {
  setHooksFromConfig(projectRoot: string, argv: string[]): Promise<{ isHookChanged: boolean }>;
}

const SHIMS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'shims');

/**
 * Installs the hook shims through simple-git-hooks, with `preserveUnused` so that it never deletes hooks it was not
 * told about. A user's existing hook is never overwritten silently: it is kept (and reported) unless `force` moves
 * it to `<hook>.rat-backup`. Installing twice changes nothing.
 *
 * @example await installHooks({ dir: repo, ratCommand: 'rat' })
 */
export async function installHooks(opts: InstallHooksOptions): Promise<InstallReport> {
  const gitdir = opts.gitdir ?? path.join(opts.dir, '.git');
  const dir = hooksDir(opts.dir, gitdir);
  const report: InstallReport = { installed: [], kept: [], backedUp: [], hooksDir: dir, configFile: '' };
  const config: Record<string, unknown> = { preserveUnused: true };
  for (const hook of RAT_HOOKS) {
    const file = path.join(dir, hook);
    if (existsSync(file) && !readFileSync(file, 'utf8').includes(HOOK_MARKER)) {
      if (!opts.force) {
        report.kept.push({ hook, path: file });
        continue;
      }
      const backup = `${file}.rat-backup`;
      if (existsSync(backup)) {
        report.kept.push({ hook, path: file });
        continue;
      }
      renameSync(file, backup);
      report.backedUp.push({ hook, path: backup });
    }
    config[hook] = readFileSync(path.join(SHIMS, hook), 'utf8').replaceAll('@RAT@', opts.ratCommand).trimEnd();
    report.installed.push(hook);
  }
  const ratDir = path.join(gitdir, 'rat');
  mkdirSync(ratDir, { recursive: true });
  report.configFile = path.join(ratDir, 'simple-git-hooks.json');
  writeFileSync(report.configFile, JSON.stringify(config, null, 2) + '\n');

  const require = createRequire(import.meta.url);
  delete require.cache[report.configFile];
  const sgh = require('simple-git-hooks') as SimpleGitHooks;
  // simple-git-hooks narrates each hook on console.info; the caller prints one summary instead.
  const info = console.info;
  console.info = () => undefined;
  try {
    await sgh.setHooksFromConfig(opts.dir, ['node', 'simple-git-hooks', report.configFile]);
  } finally {
    console.info = info;
  }
  return report;
}
