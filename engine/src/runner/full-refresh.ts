import { DERIVED_FROM_PROPERTY, FULL_REFRESH_PROPERTY, refreshedBeyond } from '@ratatouille/iceberg';
import type { Model } from '../pipeline/model.ts';
import { catalogFor, tableIdent } from './tables.ts';

/**
 * What a run refreshes in full (dbt's `--full-refresh`): every selected `incremental` model (`true`), or the models
 * named (a merge's rebuild, for the models the merged branch refreshed).
 */
export type FullRefresh = boolean | readonly string[];

/**
 * Whether a run replaces model `m`'s table with its SELECT's whole result instead of building it incrementally:
 * `incremental` models, and sources, which read every landing file again (as `dbt seed --full-refresh` reloads a
 * seed). A `table` model is replaced on every run anyway, and an `scd2` model's history cannot be recomputed from its
 * inputs. The model's own `full_refresh` wins over what the run asks, as in dbt.
 *
 * @example refreshesModel(silverOrders, true) // → true unless silver/orders.sql says `full_refresh: false`
 */
export function refreshesModel(m: Model, asked: FullRefresh | undefined): boolean {
  if (m.kind === 'sql' && m.config.materialized !== 'incremental') return false;
  if (m.config.fullRefresh !== undefined) return m.config.fullRefresh;
  return asked === true || (Array.isArray(asked) && asked.includes(m.id));
}

/**
 * Which of `tables` the merge source (`from`, a `name@hash`) refreshed in full beyond the history it shares with
 * `into` (the branch a merge with rebuild builds on, holding the target's version of them). Rebuilding such a table
 * incrementally on the target's version would keep the target's rows as the old SQL computed them, or fail on the
 * refresh's new columns; the rebuild refreshes it instead. A table missing on either side is not refreshed.
 *
 * @example await refreshedBySource(server, { from: 'feat@9f2c…', into: 'rat-merge-…', tables: ['silver.orders'] })
 */
export async function refreshedBySource(
  server: string,
  o: { from: string; into: string; tables: readonly string[] },
): Promise<string[]> {
  const source = catalogFor(server, o.from);
  const target = catalogFor(server, o.into);
  const out: string[] = [];
  for (const t of o.tables) {
    const theirs = (await source.tryLoadTable(tableIdent(t)))?.metadata;
    const ours = theirs && (await target.tryLoadTable(tableIdent(t)))?.metadata;
    if (theirs && ours && refreshedBeyond(theirs, ours)) out.push(t);
  }
  return out;
}

/**
 * A full refresh's snapshot properties: marked as one (a merge that rebuilds the table refreshes it too), and naming no
 * landing files its rows derive from: it rewrote every row from all of its inputs, so it is no append a merge could
 * match to another branch's, and a model reading it counts what it gained as unknown.
 */
export function refreshProperties(properties: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = { ...properties, [FULL_REFRESH_PROPERTY]: 'true' };
  delete out[DERIVED_FROM_PROPERTY];
  return out;
}
