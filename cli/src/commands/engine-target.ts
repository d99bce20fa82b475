import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadProject, type Project } from '@ratatouille/engine';
import {
  dataBranchFor,
  defaultProjectConfig,
  openGitSync,
  readJournal,
  readProjectConfig,
  awaitsExistingDecision,
  resolveDataRef,
  workingTreeChanges,
  type DataRefResolution,
  type GitSyncIO,
  type ProjectConfig,
} from '@ratatouille/git-sync';
import { explicitServer, resolveServer } from '../server-url.ts';

export interface EngineTarget {
  server: string;
  branch: string;
  codeCommit?: string;
  /** Files that differ from `codeCommit` (edited, staged, untracked): the run's code is not that commit's. */
  uncommitted: string[];
  /** The repository, when the project has a rat.yaml: HEAD's code link follows the runs of its committed code. */
  git?: GitSyncIO;
  /** The data branch of the checked-out code branch (a run elsewhere, `--branch`, is not HEAD's data). */
  codeDataBranch?: string;
  project: Project;
  /** How the branch was chosen, for the user. */
  why: string;
  /** `runs.keepFailed` of the project config, when set. */
  keepFailedRuns?: string;
  /** `runs.compact` of the project config: runs compact the tables they built. */
  compactRuns?: boolean;
  /** `vars` of the project config (none without one). */
  vars: Record<string, unknown>;
}

const hasLayers = (dir: string) => ['bronze', 'silver', 'gold'].some((l) => fs.existsSync(path.join(dir, l)));

/**
 * The pipelines folder: `--project`, else the current folder when it has bronze/silver/gold, else the project
 * config's `pipelinesDir` (under `configured.root`), else the current folder.
 */
function pipelinesFolder(project: string | undefined, configured?: { root: string; pipelinesDir: string }): string {
  if (project) return path.resolve(project);
  const cwd = process.cwd();
  return !hasLayers(cwd) && configured ? path.resolve(configured.root, configured.pipelinesDir) : cwd;
}

/** What a run takes from the project config, and the folder it is in. */
type ConfiguredProject = Pick<
  ProjectConfig,
  'catalogUrl' | 'pipelinesDir' | 'keepFailedRuns' | 'compactRuns' | 'vars' | 'models' | 'dispatch' | 'dataTests'
> & { root: string };

const configuredProject = (c: ProjectConfig, root: string): ConfiguredProject => ({
  catalogUrl: c.catalogUrl,
  pipelinesDir: c.pipelinesDir,
  root,
  keepFailedRuns: c.keepFailedRuns,
  compactRuns: c.compactRuns,
  vars: c.vars,
  models: c.models,
  dispatch: c.dispatch,
  dataTests: c.dataTests,
});

/**
 * What a command that renders the selected models on the target's branch (`rat compile`, `rat show`) asks of the
 * engine: the target, the selector, `--exclude`, the run's variables (rat.yaml's under `--vars`), `--full-refresh`.
 */
export function renderingOn(
  t: Pick<EngineTarget, 'server' | 'branch' | 'vars'>,
  o: { exclude?: string; vars?: Record<string, unknown>; fullRefresh?: boolean },
  selector: string | undefined,
) {
  return {
    server: t.server,
    branch: t.branch,
    selector,
    exclude: o.exclude,
    vars: { ...t.vars, ...o.vars },
    fullRefresh: o.fullRefresh,
  };
}

/** Whether `err` says there is no rat.yaml (which is no mistake: the defaults stand). */
const isMissingConfig = (err: unknown) =>
  (err as { code?: string }).code === 'INVALID_PROJECT_CONFIG' &&
  /not found/.test(String((err as { data?: { reason?: string } }).data?.reason));

/** The rat.yaml of a folder outside any git repository, when it has one. */
async function folderConfig(dir: string): Promise<ConfiguredProject | undefined> {
  try {
    return configuredProject(await readProjectConfig({ fs, dir, env: process.env }), dir);
  } catch (err) {
    if (isMissingConfig(err)) return undefined;
    throw err;
  }
}

/** The pipelines folder of `rat deps` (see `pipelinesFolder`), read without resolving a branch or loading models. */
export async function projectFolder(project?: string): Promise<string> {
  if (project) return pipelinesFolder(project);
  const io = await openGitSync({ fs, env: process.env }).catch(() => undefined);
  return pipelinesFolder(undefined, io && { root: io.projectDir ?? io.dir, pipelinesDir: io.config.pipelinesDir });
}

/**
 * Where `rat run` / `rat test` act: `--branch`, else the data branch mapped to the checked-out git branch
 * (git-sync), else `main` outside a git repository; `--server`, else `RAT_SERVER`, else the project config's
 * catalog URL. Pipelines come from `--project`, the current folder when it has bronze/silver/gold, else the
 * project config's `pipelinesDir`.
 */
export async function resolveEngineTarget(o: {
  branch?: string;
  server?: string;
  project?: string;
  /**
   * The command only reads (`rat test`, `rat runs`, `--dry-run`): a detached checkout's pinned data will do, and the
   * working tree is not scanned for uncommitted changes.
   */
  read?: boolean;
  /** The command's `--vars`, over rat.yaml's, for what renders as the project loads (a source's templated schema). */
  vars?: Record<string, unknown>;
}): Promise<EngineTarget> {
  const cwd = process.cwd();
  let branch = o.branch;
  let codeCommit: string | undefined;
  let uncommitted: string[] = [];
  let git: GitSyncIO | undefined;
  let codeDataBranch: string | undefined;
  let configured: ConfiguredProject | undefined;
  let why = '--branch';
  try {
    // `--server` wins over rat.yaml for git-sync too: a run's code link goes to the catalog the run wrote to.
    const server = explicitServer(o.server);
    const io = await openGitSync({ fs, env: server ? { ...process.env, RAT_SERVER: server } : process.env });
    configured = configuredProject(io.config, io.projectDir ?? io.dir);
    const r = await resolveDataRef(io, { env: process.env });
    codeCommit = r.codeSha;
    // Only a run that writes records whether its code was committed; the scan reads every file of the checkout.
    uncommitted = codeCommit && !o.read ? await workingTreeChanges(io) : [];
    git = io;
    if (!r.readOnly) codeDataBranch = r.dataBranch;
    const waiting = (await readJournal(io)).find((e) => awaitsExistingDecision(e, r.codeBranch) && !o.branch);
    if (waiting) {
      throw new Error(
        `data branch "${r.dataBranch}" existed before code branch "${r.codeBranch}"; decide first: \`rat sync --existing reuse\` or \`rat sync --existing reset\`.`,
      );
    }
    if (!branch && r.readOnly && o.read) {
      // A detached checkout reads the data recorded for its commit as it is; only commands that write refuse.
      branch = r.ref;
      why = `read-only: ${detachedWhy(r)}`;
    }
    if (!branch) {
      if (r.readOnly) {
        throw new Error(
          `The checkout is detached (data ref ${r.ref} is read-only): check out a branch or pass --branch.`,
        );
      }
      branch = r.dataBranch;
      why = r.codeBranch ? `data branch of git branch ${r.codeBranch}` : `git-sync (${r.why})`;
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (isMissingConfig(err)) {
      // A git repository without rat.yaml: map the checked-out branch with the default (one-to-one) config.
      // A repository without commits yet (`git init` then `rat run`) has a branch and no commit: '' for each missing.
      const gitOut = (...args: string[]) => {
        try {
          return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
        } catch {
          return '';
        }
      };
      codeCommit = gitOut('rev-parse', '-q', '--verify', 'HEAD') || undefined;
      if (!o.read) uncommitted = gitOut('status', '--porcelain').split('\n').filter(Boolean);
      const codeBranch = gitOut('symbolic-ref', '--short', '-q', 'HEAD');
      if (!branch) {
        if (!codeBranch) throw new Error('The checkout is detached: check out a branch or pass --branch.');
        branch = dataBranchFor(codeBranch, defaultProjectConfig());
        why = `data branch of git branch ${codeBranch} (no rat.yaml: default mapping)`;
      }
    } else if (code !== 'NOT_A_GIT_REPOSITORY') {
      if (!o.branch) throw err;
    } else {
      // Outside a git repository the folder's rat.yaml still gives the pipelines their settings, vars and server.
      configured = await folderConfig(cwd);
      if (!branch) {
        branch = 'main';
        why = 'not in a git repository: using main';
      }
    }
  }
  const server = explicitServer(o.server) ?? configured?.catalogUrl ?? resolveServer();
  const dir = pipelinesFolder(o.project, configured);
  return {
    server,
    branch: branch ?? 'main',
    codeCommit,
    uncommitted,
    git,
    codeDataBranch,
    project: loadProject(dir, dir, {
      settings: configured?.models,
      dispatch: configured?.dispatch,
      dataTests: configured?.dataTests,
      vars: { ...configured?.vars, ...o.vars },
      target: branch ?? 'main',
    }),
    why,
    keepFailedRuns: configured?.keepFailedRuns,
    compactRuns: configured?.compactRuns,
    vars: configured?.vars ?? {},
  };
}

/** How a detached checkout's data was found, for the `branch:` line. */
function detachedWhy(r: DataRefResolution): string {
  const sha = r.codeSha?.slice(0, 12) ?? 'HEAD';
  if (r.why === 'recorded') return `the data recorded for detached commit ${sha}`;
  if (r.why === 'recorded-ancestor') return `approximate: the data of the nearest recorded ancestor of ${sha}`;
  if (r.why === 'default-branch') return `approximate: no data recorded near ${sha}, the default data branch's head`;
  return 'RAT_DATA_REF';
}
