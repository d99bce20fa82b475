import type { Project } from '../pipeline/model.ts';
import { DuckDbRunner } from '../sql/duckdb-runner.ts';
import { ident } from '../sql/sql-runner.ts';
import { catalogFor, refreshView, sqlName } from './tables.ts';

/** One source's freshness on a branch (dbt's `source freshness` result). */
export interface FreshnessOutcome {
  source: string;
  /** `pass`, `warn` past `warn_after`, `error` past `error_after` (or when it cannot be told: `error` says why). */
  status: 'pass' | 'warn' | 'error';
  loadedAtField: string;
  /** The newest `loaded_at_field` value, as an ISO time; null when the table has no row. */
  latest: string | null;
  ageMs: number | null;
  warnAfterMs?: number;
  errorAfterMs?: number;
  error?: string;
}

/**
 * dbt's `source freshness` on a data branch: for each declared source with a freshness (see `sourceFreshness`), the
 * newest `loaded_at_field` of the table as the branch holds it, its age at `now`, and whether that is past the
 * thresholds. A missing table, an empty one or a field that is not a time is an `error` outcome, never a throw.
 *
 * @example await sourceFreshnessOn(project, { server, branch: 'main' }) // [{ source: 'raw.orders', status: 'warn', … }]
 */
export async function sourceFreshnessOn(
  project: Project,
  o: { server: string; branch: string; now?: Date },
): Promise<FreshnessOutcome[]> {
  const now = (o.now ?? new Date()).getTime();
  const checked = [...(project.external?.values() ?? [])]
    .filter((t) => t.freshness)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if (checked.length === 0) return [];
  const catalog = catalogFor(o.server, o.branch);
  const sql = await DuckDbRunner.open();
  try {
    const out: FreshnessOutcome[] = [];
    for (const t of checked) {
      const f = t.freshness!;
      const base = {
        source: t.id,
        loadedAtField: f.loadedAtField,
        ...(f.warnAfterMs === undefined ? {} : { warnAfterMs: f.warnAfterMs }),
        ...(f.errorAfterMs === undefined ? {} : { errorAfterMs: f.errorAfterMs }),
      };
      const failed = (error: string): FreshnessOutcome => ({
        ...base,
        status: 'error',
        latest: null,
        ageMs: null,
        error,
      });
      try {
        if (!(await refreshView(sql, catalog, t.id))) {
          out.push(failed(`${t.id} is not on ${o.branch}`));
          continue;
        }
        const field = ident(f.loadedAtField);
        const from = `${sqlName(t.id)}${f.filter ? ` WHERE ${f.filter}` : ''}`;
        const [type] = await sql.describe(`SELECT ${field} FROM ${sqlName(t.id)}`);
        // A time with a zone is an instant; one without is read as UTC, as the engine writes them.
        const instant = /WITH TIME ZONE|TIMESTAMPTZ/i.test(type!.type) ? field : `CAST(${field} AS TIMESTAMP)`;
        const [row] = await sql.query(`SELECT epoch_ms(max(${instant})) AS latest FROM ${from}`);
        if (row?.latest === null || row?.latest === undefined) {
          out.push(failed(`${t.id} has no row${f.filter ? ' matching the filter' : ''}`));
          continue;
        }
        const latest = Number(row.latest);
        const ageMs = now - latest;
        const status =
          f.errorAfterMs !== undefined && ageMs > f.errorAfterMs
            ? 'error'
            : f.warnAfterMs !== undefined && ageMs > f.warnAfterMs
              ? 'warn'
              : 'pass';
        out.push({ ...base, status, latest: new Date(latest).toISOString(), ageMs });
      } catch (err) {
        out.push(failed((err as Error).message));
      }
    }
    return out;
  } finally {
    await sql.close();
  }
}
