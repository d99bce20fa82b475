import path from 'node:path';
import git from 'isomorphic-git';
import { httpDataCatalog } from './catalog/http-data-catalog.ts';
import { followedProjectDir, nearestProjectDir } from './config/find-project-dir.ts';
import { readProjectConfig } from './config/read-project-config.ts';
import { NotAGitRepositoryError } from './errors/index.ts';
import { readCommonDir } from './git/git-paths.ts';
import type { FsModule, GitSyncIO, Reporter } from './types.ts';
import type { RepoIO } from './git/repo.ts';

export interface OpenGitSyncOptions {
  fs: FsModule;
  /** Any directory inside the working tree (default: the current directory). */
  cwd?: string;
  /** `GIT_DIR` as git passes it to hooks (relative to `cwd`), if any. */
  gitDir?: string;
  env?: Record<string, string | undefined>;
  report?: Reporter;
  /**
   * Read the project the hooks follow (`rat.project` in the git config, else the root's), wherever `cwd` is: what a
   * hook does. Otherwise the nearest project config up from `cwd` comes first.
   */
  followedProject?: boolean;
}

/**
 * Builds the IO for a repository: finds the working tree and `.git`, reads the project config (the nearest one up
 * from `cwd`, else the one the hooks follow: see config/find-project-dir.ts) and connects to its catalog over HTTP.
 * What the CLI does before calling any other function; the engine can use it the same way.
 *
 * @example const io = await openGitSync({ fs }); const r = await resolveDataRef(io)
 */
export async function openGitSync(opts: OpenGitSyncOptions): Promise<GitSyncIO> {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const dirs = await openRepo(opts);
  const { dir, gitdir, commonDir } = dirs;
  const projectDir =
    (!opts.followedProject && nearestProjectDir(opts.fs, dir, cwd)) || (await followedProjectDir(dirs));
  const config = await readProjectConfig({ fs: opts.fs, dir: projectDir, env: opts.env ?? {} });
  return {
    fs: opts.fs,
    dir,
    gitdir,
    ...(commonDir ? { commonDir } : {}),
    projectDir,
    config,
    catalog: httpDataCatalog(config.catalogUrl),
    report: opts.report ?? {
      info: (m) =>
        process.stderr.write(
          m
            .split('\n')
            .map((l) => `rat: ${l}\n`)
            .join(''),
        ),
      warn: (m) =>
        process.stderr.write(
          m
            .split('\n')
            .map((l) => `rat: ⚠ ${l}\n`)
            .join(''),
        ),
    },
  };
}

/**
 * The git repository around `cwd` (default the process's), without the project's config: its work tree's root, its
 * git dir and, for a linked worktree, the common dir. For what needs only git (a repository without `rat.yaml`
 * included); `openGitSync` adds the project.
 *
 * @example const repo = await openRepo({ fs }); await workingTreeChanges(repo, 'main')
 */
export async function openRepo(opts: Pick<OpenGitSyncOptions, 'fs' | 'cwd' | 'gitDir'>): Promise<RepoIO> {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  let dir: string;
  try {
    dir = await git.findRoot({ fs: opts.fs, filepath: cwd });
  } catch {
    throw new NotAGitRepositoryError(cwd);
  }
  const gitdir = opts.gitDir ? path.resolve(cwd, opts.gitDir) : await linkedGitDir(opts.fs, dir);
  // A linked worktree's git dir names the main repository's in `commondir` (refs, objects, hooks and the clone-wide
  // rat state live there); a submodule's and a main checkout's do not.
  const commonDir = readCommonDir(opts.fs, gitdir);
  return { fs: opts.fs, dir, gitdir, ...(commonDir ? { commonDir } : {}) };
}

/**
 * `<dir>/.git`, or where it points when it is a file (`gitdir: …`, what a linked worktree or a submodule has), so
 * that state is never written under a file (the ENOTDIR of `mkdir .git/rat`).
 */
async function linkedGitDir(fs: FsModule, dir: string): Promise<string> {
  const dotGit = path.join(dir, '.git');
  if (!(await fs.promises.stat(dotGit)).isFile()) return dotGit;
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(await fs.promises.readFile(dotGit, 'utf8'));
  return m ? path.resolve(dir, m[1]!) : dotGit;
}
