import type { ExternalTable, Model, Project, SqlModel } from './model.ts';

/** dbt's `ephemeral` models have no table: their SELECT is read inside the models that ref them. */
export const isEphemeral = (m: Model): m is SqlModel => m.kind === 'sql' && m.config.materialized === 'ephemeral';

/**
 * The tables a model reads: its refs, with each ephemeral model replaced by the tables it reads (through any depth
 * of ephemerals). What the model's provenance names and what must exist before it is built.
 *
 * @example tableInputs(project, project.models.get('gold.revenue')!) // ['silver.orders'] when it refs an ephemeral over silver.orders
 */
export function tableInputs(project: Project, m: Model): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (x: Model) => {
    for (const r of x.refs) {
      const target = project.models.get(r.target);
      if (!target || !isEphemeral(target)) out.add(r.target);
      else if (!seen.has(target.id)) {
        seen.add(target.id);
        visit(target);
      }
    }
  };
  visit(m);
  return [...out].sort();
}

/**
 * The ephemeral models a model reads, directly or through other ephemerals, each after those it reads: the order in
 * which their SELECTs are defined as views beside the model's inputs.
 *
 * @example ephemeralsOf(project, project.models.get('gold.revenue')!).map((e) => e.id) // ['silver.paid_orders']
 */
export function ephemeralsOf(project: Project, m: Model): SqlModel[] {
  const out: SqlModel[] = [];
  const seen = new Set<string>();
  const visit = (x: Model) => {
    for (const r of x.refs) {
      const target = project.models.get(r.target);
      if (!target || !isEphemeral(target) || seen.has(target.id)) continue;
      seen.add(target.id);
      visit(target);
      out.push(target);
    }
  };
  visit(m);
  return out;
}

/**
 * The declared sources (dbt's `sources:`) that `models` read, through ephemerals too, in declaration order.
 *
 * @example sourcesRead(project, plan.steps).map((t) => t.id) // ['raw.orders']
 */
export function sourcesRead(project: Project, models: readonly Model[]): ExternalTable[] {
  const read = new Set(models.flatMap((m) => tableInputs(project, m)));
  return [...(project.external?.values() ?? [])].filter((t) => read.has(t.id));
}
