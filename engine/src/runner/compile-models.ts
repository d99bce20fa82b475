import { compileModel, type CompiledSql, type RunVars } from '../pipeline/compile.ts';
import { tableInputs } from '../pipeline/ephemeral.ts';
import type { Project } from '../pipeline/model.ts';
import { plan } from '../pipeline/planner.ts';
import { adHocModel, selectedAnalyses } from '../pipeline/analyses.ts';
import { DuckDbRunner } from '../sql/duckdb-runner.ts';
import { defineEphemerals } from './build-step.ts';
import { compileForRun } from './compile-for-run.ts';
import { refreshesModel, type FullRefresh } from './full-refresh.ts';
import { catalogFor, loadView, MissingTableError, tableIdent } from './tables.ts';

/** A model's SQL as a run on the branch would execute it (dbt's `compile`). */
export interface CompiledModel {
  model: string;
  file: string;
  /** What `is_incremental()` rendered as: the model is incremental, its table is on the branch, no full refresh. */
  incremental: boolean;
  sql: string;
}

/** Templates that read the branch's data when rendered (queries, columns, `execute`): compiled as a run does. */
const READS_DATA = /\b(run_query|adapter|dbt_utils|execute)\b/;

/**
 * The compiled SQL of the selected SQL models (ephemeral ones included) and analyses (all of them without a
 * selector, as dbt compiles them), as `rat run` on `branch` would render it:
 * the run's variables, `target.name` the branch, `is_incremental()` true where the model's table is already there
 * and the run would not refresh it. A model whose templates read the branch's data (`run_query()`, `adapter`,
 * `dbt_utils`, `execute`) is rendered as a run renders it, over views of its inputs on the branch (which must be
 * there, as for a run). Reads the branch, writes nothing. A template that does not render throws its
 * `PIPELINE_INVALID` / `UNDEFINED_VAR` with the file and line, as a run would.
 *
 * @example (await compiledModels(project, { server, branch: 'dev', selector: 'silver.orders' }))[0].sql
 */
export async function compiledModels(
  project: Project,
  o: { server: string; branch: string; selector?: string; exclude?: string; vars?: RunVars; fullRefresh?: FullRefresh },
): Promise<CompiledModel[]> {
  // dbt compiles the analyses too: all of them with the models, or those the selector names.
  const { analyses, models } = selectedAnalyses(project, o.selector);
  const selected = o.selector === undefined ? (project.analyses ?? []) : analyses;
  const p =
    o.selector !== undefined && models === undefined ? undefined : plan(project, models, { exclude: o.exclude });
  const adHoc = selected.map((a) => adHocModel(project, a.sql, a.file, a.name));
  const catalog = catalogFor(o.server, o.branch);
  const readsData = project.macros?.some((f) => READS_DATA.test(f.text)) ?? false;
  let sql: DuckDbRunner | undefined;
  try {
    const out: CompiledModel[] = [];
    for (const m of [...(p ? [...p.ephemeral, ...p.steps] : []), ...adHoc]) {
      if (m.kind !== 'sql') continue;
      const incremental =
        m.config.materialized === 'incremental' &&
        !refreshesModel(m, o.fullRefresh) &&
        (await catalog.tryLoadTable(tableIdent(m.id))) !== null;
      const ctx = { vars: o.vars, incremental, target: o.branch };
      let c: CompiledSql;
      if (readsData || READS_DATA.test(m.sql)) {
        sql ??= await DuckDbRunner.open();
        for (const input of tableInputs(project, m)) {
          if (!(await loadView(sql, catalog, input))) throw new MissingTableError(input, o.branch);
        }
        await defineEphemerals(sql, catalog, project, m, ctx);
        c = await compileForRun(sql, catalog, project, m, ctx);
      } else c = compileModel(m, { ...ctx, macros: project.macros });
      out.push({ model: m.id, file: m.file, incremental, sql: c.sql });
    }
    return out;
  } finally {
    await sql?.close();
  }
}
