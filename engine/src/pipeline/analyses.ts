import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PipelineError, type Analysis, type Project, type SqlModel } from './model.ts';
import { sqlModel } from './model-files.ts';
import { filesUnder } from './project-files.ts';
import { modelsByName, textReads } from './short-refs.ts';

/** dbt's `analysis-paths` default: SELECTs a project keeps with its code, compiled and shown, never built. */
export const ANALYSES_FOLDER = 'analyses';

/**
 * dbt's analyses: each `.sql` file under `analyses/` (sub-folders too) is a SELECT named after its file, with refs,
 * sources, macros and vars as a model's, that `rat compile` renders and `rat show` runs over the branch's tables;
 * no run builds or tests it. Two files of one name are refused, naming both.
 *
 * @example loadAnalyses('examples/cafe', 'examples/cafe') // [{ name: 'monthly_revenue', file: 'analyses/monthly_revenue.sql', sql: … }]
 */
export function loadAnalyses(dir: string, pipelinesDir: string): Analysis[] {
  const out = new Map<string, Analysis>();
  for (const f of filesUnder(dir, path.join(pipelinesDir, ANALYSES_FOLDER), /\.sql$/i)) {
    const name = path.basename(f.rel, path.extname(f.rel));
    const first = out.get(name);
    if (first) {
      throw new PipelineError('PIPELINE_INVALID', `${f.rel}:1: analysis ${name} is also ${first.file}`, {
        file: f.rel,
        line: 1,
      });
    }
    out.set(name, { name, file: f.rel, sql: readFileSync(f.full, 'utf8') });
  }
  return [...out.values()];
}

/**
 * The analyses a selector names (a term that is an analysis's name, and no model's), and the selector's other terms
 * (undefined when none is left).
 *
 * @example selectedAnalyses(project, 'monthly_revenue silver.orders') // { analyses: [monthly_revenue], models: 'silver.orders' }
 */
export function selectedAnalyses(
  project: Pick<Project, 'analyses' | 'models'>,
  selector: string | undefined,
): { analyses: Analysis[]; models: string | undefined } {
  const byName = new Map((project.analyses ?? []).map((a) => [a.name, a]));
  const modelNames = new Set([...project.models.values()].map((m) => m.name));
  const terms = (selector ?? '').split(/\s+/).filter(Boolean);
  const named = (t: string) => byName.has(t) && !modelNames.has(t);
  const rest = terms.filter((t) => !named(t));
  return {
    analyses: terms.filter(named).map((t) => byName.get(t)!),
    models: rest.length ? rest.join(' ') : undefined,
  };
}

/**
 * SQL beside the models (an analysis, `rat show --inline`) as a model of its own named `name`: its refs and sources
 * read as a singular test's are (see `textReads`), a name no model has refused at `file`.
 *
 * @example adHocModel(project, "SELECT * FROM {{ ref('orders') }}", '<inline>', 'inline').refs // [{ target: 'silver.orders', line: 1 }]
 */
export function adHocModel(project: Project, text: string, file: string, name: string): SqlModel {
  const refuse = (why: string): never => {
    throw new PipelineError('PIPELINE_INVALID', `${file}: ${why}`, { file, line: 1 });
  };
  const parts = { header: {}, sql: text, sqlLine: 1, headerLine: 1 };
  const m = sqlModel(file, 'gold', name, parts, { config: {}, declared: [] }, project.macros ?? []);
  if (!m) return refuse('config(enabled=false) leaves nothing to show');
  const { refIds, reads } = textReads(
    m.refs.map((r) => r.target),
    modelsByName(project.models),
    project.sourceNames ?? new Map(),
    refuse,
  );
  return { ...m, id: name, refIds, refs: reads.map((target) => ({ target, line: 1 })) };
}
