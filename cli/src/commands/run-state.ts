import fs from 'node:fs';
import path from 'node:path';
import { listRuns, STATE_MODIFIED, type Model, type Project, type SelectorState } from '@ratatouille/engine';
import { openRepo, workingTreeChanges } from '@ratatouille/git-sync';
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
 * The models `state:modified` selects (dbt's slim CI): those whose file differs between a baseline commit and the
 * working tree (edits, staged or not, and new files). The baseline is `--state <rev>` (a branch, tag or hash: `rat run
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
  return { state: { modified }, baseline };
}

/**
 * The files a model is written in: its own and the property files (dbt's schema.yml) that describe it, whose
 * descriptions, tests and config are part of it.
 *
 * @example modelFiles(project.models.get('silver.orders')!) // ['silver/orders.sql', 'silver/schema.yml']
 */
function modelFiles(m: Model): string[] {
  return [m.file, ...(m.kind === 'sql' ? (m.propertyFiles ?? []) : [])];
}

/**
 * The terms of a selector and of `--exclude` together: what decides whether `state:modified` needs a baseline.
 *
 * @example withExcluded('silver.orders+', 'state:modified') // 'silver.orders+ state:modified'
 */
export function withExcluded(selector: string | undefined, exclude: string | undefined): string | undefined {
  return [selector, exclude].filter(Boolean).join(' ') || undefined;
}
