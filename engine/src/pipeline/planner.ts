import path from 'node:path';
import { PipelineError, type Model, type Project } from './model.ts';
import { isEphemeral, tableInputs } from './ephemeral.ts';
import { methodSelects } from './selector-methods.ts';

export interface Plan {
  /** Selected models in a dependency-respecting order (stable: layer, then name); ephemeral models are not steps. */
  steps: Model[];
  /** Selected ephemeral models (no table to build; their unit tests run). */
  ephemeral: Model[];
  /** Tables the selected steps read that are not built in this run (must exist on the branch). */
  external: string[];
}

const LAYER_ORDER = { bronze: 0, silver: 1, gold: 2 } as const;
const byLayerName = (a: Model, b: Model) => LAYER_ORDER[a.layer] - LAYER_ORDER[b.layer] || a.name.localeCompare(b.name);

/**
 * Checks every ref (unknown refs and cycles are {@link PipelineError}s naming the file and line) and returns all
 * models in build order.
 *
 * @example const order = buildOrder(loadProject('examples/shop'))
 */
export function buildOrder(project: Project): Model[] {
  for (const m of project.models.values()) {
    for (const r of m.refs) {
      if (!project.models.has(r.target) && !project.external?.has(r.target)) {
        const hint =
          '(a model of the project, or a table written elsewhere declared under sources: in a property file)';
        throw new PipelineError('UNKNOWN_REF', `${m.file}:${r.line}: unknown ref ${r.target} in ${m.id} ${hint}`, {
          file: m.file,
          line: r.line,
          detail: r.target,
        });
      }
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const order: Model[] = [];
  const stack: { model: Model; line: number }[] = [];
  const visit = (m: Model, line: number) => {
    const s = state.get(m.id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const start = stack.findIndex((e) => e.model.id === m.id);
      const cycle = [...stack.slice(start), { model: m, line }];
      const where = cycle.slice(1).map((e, i) => `${cycle[i].model.file}:${e.line}`);
      const first = cycle[0].model;
      throw new PipelineError(
        'CYCLE',
        `Cycle ${cycle.map((e) => e.model.id).join(' → ')} (refs at ${where.join(', ')})`,
        { file: first.file, line: cycle[1]?.line ?? line, detail: cycle.map((e) => e.model.id).join(' -> ') },
      );
    }
    state.set(m.id, 'visiting');
    stack.push({ model: m, line });
    // Tables written outside the pipelines (sources: in property files) are read, not built.
    const deps = [...new Set(m.refs.map((r) => r.target))].filter((d) => project.models.has(d)).sort();
    for (const d of deps) visit(project.models.get(d)!, m.refs.find((r) => r.target === d)!.line);
    stack.pop();
    state.set(m.id, 'done');
    order.push(m);
  };
  for (const m of [...project.models.values()].sort(byLayerName)) visit(m, 0);
  return order;
}

function globToRe(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

/** dbt's `test_type:` selects kinds of test, which `rat test` reads (see `testTypeTerms`) before it plans. */
const TEST_TYPE_PREFIX = 'test_type:';

/** The selector method of a table written outside the pipelines (dbt's `source:raw.orders+`). */
const SOURCE_PREFIX = 'source:';
const TAG_PREFIX = 'tag:';
/** dbt's `path:` method: the models whose files are, or are under, a path (`path:silver/staging`). */
const PATH_PREFIX = 'path:';

/**
 * dbt's selection by a model's path in the project (its fqn): the term's parts (`silver.staging`, `staging`,
 * `staging.stripe`) begin its layer, folders and name, or its folders and name (dbt's fqn without the project).
 */
function fqnSelects(parts: string[], m: Model): boolean {
  const fqn = [m.layer, ...(m.folders ?? []), m.name];
  const begins = (p: string[]) => parts.length <= p.length && parts.every((x, i) => globToRe(x).test(p[i]!));
  return begins(fqn) || begins(fqn.slice(1));
}

/** Whether a model's file is `at` or under it, `at` written from the project's folder or from its pipelines'. */
function pathSelects(project: Project, at: string, m: Model): boolean {
  const norm = path.posix.normalize(at.replace(/\\/g, '/')).replace(/\/+$/, '');
  const pipelines = path.relative(project.dir, project.pipelinesDir).split(path.sep).join('/');
  return [norm, pipelines ? `${pipelines}/${norm}` : norm].some((p) => m.file === p || m.file.startsWith(`${p}/`));
}

/** The selector term of the models whose files changed since a baseline (dbt's `state:modified`). */
export const STATE_MODIFIED = 'state:modified';

/** What `state:modified` selects: the models whose files changed since the baseline the caller compared against. */
export interface SelectorState {
  modified: ReadonlySet<string>;
}

/** What else a selection takes. */
export interface PlanOptions {
  /** What `state:modified` selects. */
  state?: SelectorState;
  /** Models left out of the selection, in the selector's syntax (dbt's `--exclude`): `gold.big+`, `state:modified`. */
  exclude?: string;
}

/**
 * Selects models: `silver.orders` (one), `+gold.revenue` (with everything upstream), `bronze.orders+` (with
 * everything downstream), `bronze.*` / `bronze` (a layer, globs), `state:modified` (the models `state` names, dbt's
 * name; none is no error), several separated by spaces or commas; none = all; then leaves out what `exclude` selects.
 *
 * @example plan(project, '+gold.revenue').steps.map((m) => m.id)
 */
export function plan(project: Project, selector?: string, o: PlanOptions = {}): Plan {
  if (project.models.size === 0) {
    // An empty plan would still commit a run record: a folder without models is a mistake to report, not a no-op.
    throw new PipelineError(
      'NO_PIPELINES',
      `No pipelines in ${project.pipelinesDir}: it has no bronze/, silver/ or gold/ folder with models. Create ` +
        'bronze/<name>.yml (a source: `source: { path: landing/<name>/*.csv }`) and silver/<name>.sql or ' +
        'gold/<name>.sql (a SELECT), or point --project (or `pipelines:` in rat.yaml) at the folder that has them.',
      { file: project.pipelinesDir, line: 0 },
    );
  }
  const order = buildOrder(project);
  const selected = selectedBy(project, order, selector, o.state) ?? new Set(order.map((m) => m.id));
  for (const id of selectedBy(project, order, o.exclude, o.state) ?? []) selected.delete(id);
  const steps = order.filter((m) => selected.has(m.id) && !isEphemeral(m));
  const external = [...new Set(steps.flatMap((m) => tableInputs(project, m)).filter((t) => !selected.has(t)))].sort();
  return { steps, ephemeral: order.filter((m) => selected.has(m.id) && isEphemeral(m)), external };
}

/**
 * The models a selector's terms select (see {@link plan}), or undefined for a selector without terms. A term that
 * matches no model is `UNKNOWN_SELECTOR`, except `state:modified`, which may select none.
 */
function selectedBy(
  project: Project,
  order: Model[],
  selector: string | undefined,
  state: SelectorState | undefined,
): Set<string> | undefined {
  const terms = (selector ?? '').split(/[\s,]+/).filter(Boolean);
  if (terms.length === 0) return undefined;
  const selected = new Set<string>();
  const downstream = new Map<string, string[]>();
  for (const m of order) for (const r of m.refs) downstream.set(r.target, [...(downstream.get(r.target) ?? []), m.id]);
  const walk = (id: string, next: (id: string) => string[]) => {
    const seen = new Set<string>();
    const todo = [id];
    while (todo.length) {
      const x = todo.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      todo.push(...next(x));
    }
    return seen;
  };
  for (const term of terms) {
    const up = term.startsWith('+');
    const down = term.endsWith('+') && term.length > 1;
    const core = term.replace(/^\+/, '').replace(/\+$/, '');
    if (core === STATE_MODIFIED && !state) {
      throw new PipelineError('UNKNOWN_SELECTOR', `${term} needs a baseline to compare the models' files with`, {
        file: '',
        line: 0,
        detail: term,
      });
    }
    if (core.startsWith(TEST_TYPE_PREFIX)) {
      throw new PipelineError('UNKNOWN_SELECTOR', `${term} selects tests: give it to rat test`, {
        file: '',
        line: 0,
        detail: term,
      });
    }
    if (core.startsWith(SOURCE_PREFIX)) {
      // dbt's `source:raw.orders+`: what reads a table written outside the pipelines (the table is not built).
      const name = core.slice(SOURCE_PREFIX.length);
      const sre = globToRe(name.includes('.') ? name : `${name}.*`);
      const tables = [...(project.external?.values() ?? [])]
        .filter((t) => sre.test(t.id) || (t.name !== undefined && sre.test(t.name)))
        .map((t) => t.id);
      if (tables.length === 0) {
        throw new PipelineError('UNKNOWN_SELECTOR', `Selector ${term} matches no source declared under sources:`, {
          file: '',
          line: 0,
          detail: term,
        });
      }
      if (down) for (const t of tables) for (const x of walk(t, (id) => downstream.get(id) ?? [])) selected.add(x);
      for (const t of tables) selected.delete(t);
      continue;
    }
    const tag = core.startsWith(TAG_PREFIX) ? globToRe(core.slice(TAG_PREFIX.length)) : undefined;
    const re = globToRe(core.includes('.') ? core : `${core}.*`);
    // A name alone is a layer (`silver`) or, as dbt selects, a model's name in any layer (`orders`), or a folder.
    const byName = core.includes('.') ? undefined : globToRe(core);
    const byMethod = methodSelects(core, order, globToRe, project.exposures);
    const matches =
      core === STATE_MODIFIED
        ? order.filter((m) => state!.modified.has(m.id))
        : byMethod
          ? byMethod
          : tag
            ? order.filter((m) => m.config.tags?.some((t) => tag.test(t)))
            : core.startsWith(PATH_PREFIX)
              ? order.filter((m) => pathSelects(project, core.slice(PATH_PREFIX.length), m))
              : order.filter(
                  (m) => re.test(m.id) || m.id === core || byName?.test(m.name) || fqnSelects(core.split('.'), m),
                );
    if (matches.length === 0 && core !== STATE_MODIFIED) {
      throw new PipelineError('UNKNOWN_SELECTOR', `Selector ${term} matches no model`, {
        file: '',
        line: 0,
        detail: term,
      });
    }
    for (const m of matches) {
      selected.add(m.id);
      if (up) {
        const reads = (id: string) => project.models.get(id)?.refs.map((r) => r.target) ?? [];
        for (const x of walk(m.id, reads)) if (project.models.has(x)) selected.add(x);
      }
      if (down) for (const x of walk(m.id, (id) => downstream.get(id) ?? [])) selected.add(x);
    }
  }
  return selected;
}
