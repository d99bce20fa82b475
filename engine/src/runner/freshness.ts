import type { IcebergRestClient } from '@ratatouille/catalog-client';
import type { Project } from '../pipeline/model.ts';
import { DuckDbRunner } from '../sql/duckdb-runner.ts';
import { ident, type SqlRunner } from '../sql/sql-runner.ts';
import { catalogFor, refreshView, sqlName, tableIdent } from './tables.ts';

/** One source's freshness on a branch (dbt's `source freshness` result). */
export interface FreshnessOutcome {
  source: string;
  /** `pass`, `warn` past `warn_after`, `error` past `error_after` (or when it cannot be told: `error` says why). */
  status: 'pass' | 'warn' | 'error';
  /** Absent: the age is that of the table's last write (its current snapshot). */
  loadedAtField?: string;
  /** The newest `loaded_at_field` value (or the last write), as an ISO time; null when there is none. */
  latest: string | null;
  ageMs: number | null;
  warnAfterMs?: number;
  errorAfterMs?: number;
  error?: string;
}

/**
 * dbt's `source freshness` on a data branch: for each declared source with a freshness (see `sourceFreshness`), the
 * newest `loaded_at_field` of the table as the branch holds it (without one, its last write), its age at `now`, and
 * whether that is past the thresholds. A missing table, an empty one or a field that is not a time is an `error`
 * outcome, never a throw.
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
        ...(f.loadedAtField === undefined ? {} : { loadedAtField: f.loadedAtField }),
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
        const latest = f.loadedAtField
          ? await newestLoad(sql, catalog, t.id, f.loadedAtField, f.filter)
          : await lastWrite(catalog, t.id);
        if (typeof latest === 'string') {
          out.push(failed(latest.replace('%b', o.branch)));
          continue;
        }
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

/** The newest `field` of the table's rows (epoch ms), or why there is none (`%b` stands for the branch). */
async function newestLoad(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  id: string,
  field: string,
  filter: string | undefined,
): Promise<number | string> {
  if (!(await refreshView(sql, catalog, id))) return `${id} is not on %b`;
  const column = ident(field);
  const [type] = await sql.describe(`SELECT ${column} FROM ${sqlName(id)}`);
  // A time with a zone is an instant; one without is read as UTC, as the engine writes them.
  const instant = /WITH TIME ZONE|TIMESTAMPTZ/i.test(type!.type) ? column : `CAST(${column} AS TIMESTAMP)`;
  const where = filter ? ` WHERE ${filter}` : '';
  const [row] = await sql.query(`SELECT epoch_ms(max(${instant})) AS latest FROM ${sqlName(id)}${where}`);
  if (row?.latest === null || row?.latest === undefined)
    return `${id} has no row${filter ? ' matching the filter' : ''}`;
  return Number(row.latest);
}

/** When the table was last written (its current snapshot, epoch ms), or why there is none. */
async function lastWrite(catalog: IcebergRestClient, id: string): Promise<number | string> {
  const t = await catalog.tryLoadTable(tableIdent(id));
  if (!t) return `${id} is not on %b`;
  const current = t.metadata.snapshots.find((s) => s['snapshot-id'] === t.metadata['current-snapshot-id']);
  return current ? Number(current['timestamp-ms']) : `${id} has never been written`;
}
