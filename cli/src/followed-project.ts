/**
 * Which rat project the hooks of a repository follow, kept in the repository's git config as `rat.project` (a folder
 * relative to the root; unset means the root). `rat init` and `rat hooks install` set it from where they run, so a
 * monorepo whose data project is `analytics/` has its hooks (which git runs at the root) read `analytics/rat.yaml`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_CONFIG_FILES, PROJECT_CONFIG_KEY, nearestProjectDir, soleProject } from '@ratatouille/git-sync';

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The project `rat hooks install` run in `cwd` should follow: the nearest project config up to the root, else the
 * repository's one tracked project (the root's first); undefined when there is none or several to choose from.
 */
export function projectToFollow(root: string, cwd: string): string | undefined {
  const near = nearestProjectDir(fs, root, cwd);
  if (near) return near;
  const patterns = PROJECT_CONFIG_FILES.flatMap((name) => [name, `:(glob)**/${name}`]);
  const tracked = git(root, ['ls-files', '--', ...patterns]);
  const sole = tracked === undefined ? undefined : soleProject(tracked.split('\n').filter(Boolean));
  return sole === undefined ? undefined : path.resolve(root, sole);
}

/** The folder `rat.project` names now, relative to the root (`''` for the root or when unset). */
export function followedProjectSetting(root: string): string {
  return git(root, ['config', '--get', PROJECT_CONFIG_KEY]) ?? '';
}

/**
 * Records `projectDir` as the project the hooks follow (unset for the root) and says so when it changes anything.
 *
 * @example followProject('/repo', '/repo/analytics') // git config rat.project analytics
 */
export function followProject(root: string, projectDir: string): void {
  const rel = path.relative(root, projectDir).split(path.sep).join('/');
  const before = followedProjectSetting(root);
  if (rel === before) return;
  if (rel === '') {
    git(root, ['config', '--unset', PROJECT_CONFIG_KEY]);
    console.log(`the hooks follow the rat project at the repository root (was ${before}/)`);
    return;
  }
  execFileSync('git', ['config', PROJECT_CONFIG_KEY, rel], { cwd: root });
  console.log(
    `the hooks follow the rat project in ${rel}/ (git config ${PROJECT_CONFIG_KEY})` +
      (before ? `, no longer ${before}/: one project per repository is kept in step` : ''),
  );
}
