import { compileModel, type RunVars } from '../pipeline/compile.ts';
import type { Project } from '../pipeline/model.ts';
import { plan } from '../pipeline/planner.ts';
import { refreshesModel, type FullRefresh } from './full-refresh.ts';
import { catalogFor, tableIdent } from './tables.ts';

/** A model's SQL as a run on the branch would execute it (dbt's `compile`). */
export interface CompiledModel {
  model: string;
  file: string;
  /** What `is_incremental()` rendered as: the model is incremental, its table is on the branch, no full refresh. */
  incremental: boolean;
  sql: string;
}

/**
 * The compiled SQL of the selected SQL models (ephemeral ones included), as `rat run` on `branch` would render it:
 * the run's variables, `target.name` the branch, `is_incremental()` true where the model's table is already there
 * and the run would not refresh it. Reads the branch, writes nothing. A template that does not render throws its
 * `PIPELINE_INVALID` / `UNDEFINED_VAR` with the file and line, as a run would.
 *
 * @example (await compiledModels(project, { server, branch: 'dev', selector: 'silver.orders' }))[0].sql
 */
export async function compiledModels(
  project: Project,
  o: { server: string; branch: string; selector?: string; exclude?: string; vars?: RunVars; fullRefresh?: FullRefresh },
): Promise<CompiledModel[]> {
  const p = plan(project, o.selector, { exclude: o.exclude });
  const catalog = catalogFor(o.server, o.branch);
  const out: CompiledModel[] = [];
  for (const m of [...p.ephemeral, ...p.steps]) {
    if (m.kind !== 'sql') continue;
    const incremental =
      m.config.materialized === 'incremental' &&
      !refreshesModel(m, o.fullRefresh) &&
      (await catalog.tryLoadTable(tableIdent(m.id))) !== null;
    const c = compileModel(m, { vars: o.vars, incremental, macros: project.macros, target: o.branch });
    out.push({ model: m.id, file: m.file, incremental, sql: c.sql });
  }
  return out;
}
