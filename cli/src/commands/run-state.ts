import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  isLandingFile,
  LOCK_FILE,
  modelsCallingMacros,
  packagesRepinned,
  modelsUsingVars,
  listRuns,
  packageSettingsFor,
  projectSettings,
  settingsFor,
  STATE_MODIFIED,
  type MacroSet,
  type Model,
  type Project,
  type ProjectSettings,
  type SelectorState,
} from '@ratatouille/engine';
import { fileAtCommit, openRepo, workingTreeChanges } from '@ratatouille/git-sync';
import { RatError } from '../errors.ts';

/** What `state:modified` compares with, and what it selects. */
export interface ResolvedState {
  state: SelectorState;
  /** The baseline, for the user: `git main (4f2c…)` or `the code of run … (4f2c…)`. */
  baseline: string;
}

const usesState = (selector: string | undefined) =>
  (selector ?? '').split(/[\s,]+/).some((t) => t.replace(/^\+/, '').replace(/\+$/, '') === STATE_MODIFIED);

/**
 * The models `state:modified` selects (dbt's slim CI): those whose file (or property file) differs between a
 * baseline commit and the working tree (edits, staged or not, and new files), the sources whose landing files do, and
 * the SQL models whose rat.yaml `models:` settings do. The baseline is `--state <rev>` (a branch, tag or hash: `rat run
 * state:modified+ --state main` builds what a feature branch changed), else the code commit of the newest successful
 * run whose record the data branch holds: the code its data was last built with. Without a recorded run every model
 * counts as modified. Undefined when the selector does not use `state:modified`.
 *
 * @example await selectorState({ project, server, branch: 'dev' }, 'state:modified+', undefined) // { state: { modified: Set { 'silver.orders' } }, … }
 */
export async function selectorState(
  t: { project: Project; server: string; branch: string },
  selector: string | undefined,
  rev: string | undefined,
): Promise<ResolvedState | undefined> {
  if (!usesState(selector)) {
    if (rev !== undefined)
      throw new RatError(
        'USAGE',
        `--state is the baseline of the ${STATE_MODIFIED} selector; add it (${STATE_MODIFIED}+)`,
      );
    return undefined;
  }
  const repo = await openRepo({ fs, cwd: t.project.dir }).catch(() => {
    throw new RatError(
      'USAGE',
      `${STATE_MODIFIED} compares the models' files in git: ${t.project.dir} is not in a git repository`,
    );
  });
  let since = rev;
  let baseline = `git ${rev}`;
  if (since === undefined) {
    const runs = (await listRuns(t.server, t.branch))
      .filter((r) => r.foundOn === t.branch && r.status === 'success' && /^[0-9a-f]{40}$/.test(r.codeCommit))
      .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
    if (runs.length === 0) {
      return {
        state: { modified: new Set(t.project.models.keys()) },
        baseline: `no successful run on ${t.branch} records its code: every model counts as modified`,
      };
    }
    since = runs[0]!.codeCommit;
    baseline = `the code of run ${runs[0]!.runId} on ${t.branch} (${since.slice(0, 12)})`;
  }
  const changed = await workingTreeChanges(repo, since).catch((err: Error) => {
    throw new RatError('USAGE', `${STATE_MODIFIED}: ${err.message}`);
  });
  const paths = new Set(changed);
  const fromRoot = (file: string) => path.relative(repo.dir, path.join(t.project.dir, file)).split(path.sep).join('/');
  const modified = new Set(
    [...t.project.models.values()].filter((m) => modelFiles(m).some((f) => paths.has(fromRoot(f)))).map((m) => m.id),
  );
  for (const id of landingChanged(t.project, repo.dir, changed)) modified.add(id);
  const macroFiles = (t.project.macros ?? []).filter((m) => paths.has(fromRoot(m.file))).map((m) => m.file);
  for (const id of modelsCallingMacros(t.project, macroFiles)) modified.add(id);
  for (const id of await settingsChanged(t.project, repo, since, changed)) modified.add(id);
  for (const id of await repinnedPackagesCallers(t.project, repo, since, fromRoot(LOCK_FILE), paths)) modified.add(id);
  return { state: { modified }, baseline };
}

/**
 * The SQL models that call a macro of a package `rat deps` pinned to another commit since the baseline (its installed
 * files are not the project's: git sees the lock change, `lock` from the repository's root).
 */
async function repinnedPackagesCallers(
  project: Project,
  repo: Awaited<ReturnType<typeof openRepo>>,
  since: string,
  lock: string,
  changed: Set<string>,
): Promise<string[]> {
  if (!changed.has(lock)) return [];
  const full = path.join(repo.dir, lock);
  const now = fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
  const repinned = new Set(packagesRepinned(await fileAtCommit(repo, since, lock), now));
  const files = (project.macros ?? []).filter((m) => m.package && repinned.has(m.package)).map((m) => m.file);
  // A repinned package's own models changed with it.
  const own = [...project.models.values()].filter((m) => m.package !== undefined && repinned.has(m.package));
  return [...modelsCallingMacros(project, files), ...own.map((m) => m.id)];
}

/**
 * The files a model is written in: its own, the property files (dbt's schema.yml) that describe it, whose
 * descriptions, tests and config are part of it, and the singular tests (`tests/*.sql`) it runs.
 *
 * @example modelFiles(project.models.get('silver.orders')!) // ['silver/orders.sql', 'silver/schema.yml']
 */
function modelFiles(m: Model): string[] {
  const singular = m.config.tests.flatMap((t) => (t.kind === 'sql' && t.file ? [t.file] : []));
  return [m.file, ...(m.kind === 'sql' ? (m.propertyFiles ?? []) : []), ...singular];
}

/**
 * The sources whose landing files changed (added, edited or removed in the working tree), as dbt's state:modified
 * selects a seed whose file changed: their tables would be ingested differently.
 */
function landingChanged(project: Project, root: string, changed: string[]): string[] {
  return [...project.models.values()]
    .filter((m) => m.kind === 'source')
    .filter((m) => changed.some((p) => isLandingFile(project.dir, m.source.path, path.join(root, p))))
    .map((m) => m.id);
}

/**
 * The SQL models whose rat.yaml `models:` settings differ from the baseline's (a changed layer setting changes every
 * model of the layer that does not set it itself), and those reading a variable whose value in its `vars:` changed.
 */
async function settingsChanged(
  project: Project,
  repo: Awaited<ReturnType<typeof openRepo>>,
  since: string,
  changed: string[],
): Promise<string[]> {
  const configs = changed.filter((p) => ['rat.yaml', '.rat.json'].includes(path.posix.basename(p)));
  const out: string[] = [];
  for (const p of configs) {
    const read = (text: string | undefined) => {
      try {
        const doc = yaml.load(text ?? '') as { models?: unknown; vars?: unknown } | null;
        const vars = doc?.vars && typeof doc.vars === 'object' ? (doc.vars as Record<string, unknown>) : {};
        return { settings: projectSettings(doc?.models, (project.macros as MacroSet | undefined)?.packages), vars };
      } catch {
        return { settings: projectSettings(undefined), vars: {} };
      }
    };
    const now = read(fs.existsSync(path.join(repo.dir, p)) ? fs.readFileSync(path.join(repo.dir, p), 'utf8') : '');
    const before = read(await fileAtCommit(repo, since, p));
    for (const m of project.models.values()) {
      if (m.kind !== 'sql') continue;
      // A package's model: rat.yaml's settings for it (its package's own are not in the project's files).
      const of = (p: ProjectSettings) =>
        m.package === undefined
          ? settingsFor(p, m.layer, m.name, m.folders)
          : packageSettingsFor(p, m.package, undefined, m.name, m.folders);
      const [a, b] = [of(now.settings), of(before.settings)];
      if (JSON.stringify(Object.entries(a).sort()) !== JSON.stringify(Object.entries(b).sort())) out.push(m.id);
    }
    const names = new Set([...Object.keys(now.vars), ...Object.keys(before.vars)]);
    const changedVars = [...names].filter((v) => JSON.stringify(now.vars[v]) !== JSON.stringify(before.vars[v]));
    out.push(...modelsUsingVars(project, changedVars));
  }
  return out;
}

/**
 * The terms of a selector and of `--exclude` together: what decides whether `state:modified` needs a baseline.
 *
 * @example withExcluded('silver.orders+', 'state:modified') // 'silver.orders+ state:modified'
 */
export function withExcluded(selector: string | undefined, exclude: string | undefined): string | undefined {
  return [selector, exclude].filter(Boolean).join(' ') || undefined;
}
