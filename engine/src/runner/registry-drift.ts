/**
 * The file registry (`_rat.ingest_files`) and the bronze table it describes can disagree after a data merge: the
 * registry is merged by replaying both sides' appends, while a conflicting table is resolved to one side (`rat sync
 * --resolve`, `rat merge --force/--drop`). The registry then lists files as ingested whose rows the kept table never
 * got, and skipping them would leave the table without them for good. This finds those files, so they are re-ingested.
 */
import type { IcebergRestClient } from '@ratatouille/catalog-client';
import type { TableMetadata } from '@ratatouille/iceberg';
import { PROVENANCE } from '@ratatouille/iceberg/lockstep';
import { rememberStorage } from '../iceberg/files.ts';
import { registerTableView } from '../iceberg/reader.ts';
import { lit, type SqlRunner } from '../sql/sql-runner.ts';
import { sqlName, tableIdent } from './tables.ts';

/** The registry's latest entry of one landing file for one table. */
export interface RegistryEntry {
  path: string;
  contentHash: string;
  runId: string;
  rows: number;
}

/**
 * The paths among `entries` whose rows `target` does not hold from the ingest the registry names. Cheap when they
 * agree: the table's snapshot ancestry names the runs that wrote it (`rat.run-id`), and only entries of other runs
 * are looked up in the table's `_source_file` / `_run_id` columns. An upsert source (`upsert`) may have lost a file's
 * rows to later files with the same keys, so there only rows of the file from another ingest count as disagreement.
 *
 * @example const lacking = await filesTheTableLacks(sql, catalog, 'bronze.orders', entries, { upsert: false })
 */
export async function filesTheTableLacks(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  target: string,
  entries: RegistryEntry[],
  o: { upsert: boolean },
): Promise<Set<string>> {
  const withRows = entries.filter((e) => e.rows > 0);
  if (!withRows.length) return new Set();
  const t = tableIdent(target);
  const loaded = await catalog.tryLoadTable(t);
  // The table itself was dropped by the resolution: every file the registry lists must come back.
  if (!loaded) return new Set(withRows.map((e) => e.path));
  const writers = runsInAncestry(loaded.metadata);
  const suspects = withRows.filter((e) => !writers.has(e.runId));
  if (!suspects.length) return new Set();
  rememberStorage(loaded.metadata.location, loaded.config, catalog);
  await registerTableView(sql, loaded.metadata, t.namespace, t.name);
  const held = new Map<string, Set<string>>();
  try {
    const rows = await sql.query(
      `SELECT _source_file AS path, _run_id AS run FROM ${sqlName(target)} WHERE _source_file IN (${suspects.map((e) => lit(e.path)).join(', ')}) GROUP BY ALL`,
    );
    for (const r of rows) {
      const runs = held.get(String(r.path)) ?? new Set<string>();
      runs.add(String(r.run));
      held.set(String(r.path), runs);
    }
  } catch {
    // A table without the lineage columns (not written by an ingest): nothing to compare, trust the registry.
    return new Set();
  }
  const lacks = (e: RegistryEntry) => {
    const runs = held.get(e.path);
    if (runs?.has(e.runId)) return false;
    return o.upsert ? !!runs : true;
  };
  return new Set(suspects.filter(lacks).map((e) => e.path));
}

/** The `rat.run-id` of every snapshot from the current one back through its parents. */
function runsInAncestry(md: TableMetadata): Set<string> {
  const byId = new Map(md.snapshots.map((s) => [String(s['snapshot-id']), s]));
  const runs = new Set<string>();
  let id = md['current-snapshot-id'];
  for (let guard = 0; id !== null && id !== undefined && guard < byId.size; guard++) {
    const s = byId.get(String(id));
    if (!s) break;
    const run = s.summary[PROVENANCE.runId];
    if (run) runs.add(String(run));
    id = s['parent-snapshot-id'] ?? null;
  }
  return runs;
}
