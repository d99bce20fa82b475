import { IcebergRestClient, type TableIdent } from '@ratatouille/catalog-client';
import type { TableMetadata } from '@ratatouille/iceberg';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { ident } from '../sql/sql-runner.ts';
import { planScan, registerTableView, scanSql, type ScanPlan } from '../iceberg/reader.ts';
import { EngineError } from '../errors/engine-error.ts';
import { rememberStorage } from '../iceberg/files.ts';

/**
 * The engine's Iceberg REST client for a data branch. It announces both ways it can reach a table's files on S3:
 * vended credentials (the keys, endpoint, region and path style come with the table) and remote signing (on a
 * warehouse whose policy is `remote-signing`, the table comes with a signer endpoint and the catalog signs each S3
 * request the engine makes; see s3-remote-signer.ts). The catalog answers with what the warehouse's policy allows.
 *
 * @example const catalog = catalogFor('http://127.0.0.1:8181', 'dev')
 */
export function catalogFor(server: string, ref: string): IcebergRestClient {
  return new IcebergRestClient({
    server,
    ref,
    headers: { 'X-Iceberg-Access-Delegation': 'vended-credentials,remote-signing' },
  });
}

/** `silver.orders` → `{ namespace: ['silver'], name: 'orders' }`. */
export function tableIdent(id: string): TableIdent {
  const i = id.lastIndexOf('.');
  return { namespace: id.slice(0, i).split('.'), name: id.slice(i + 1) };
}

/** SQL name of a table's view in the runner: `"silver"."orders"`. */
export function sqlName(id: string): string {
  const t = tableIdent(id);
  return `${ident(t.namespace.join('_'))}.${ident(t.name)}`;
}

export class MissingTableError extends EngineError<'MISSING_TABLE', { table: string; ref: string }> {
  /** `declaredIn`: the property file that declares the table as a source written outside the pipelines. */
  constructor(table: string, ref: string, declaredIn?: string) {
    const remedy = declaredIn
      ? `it is a source written outside the pipelines (declared in ${declaredIn}): write it on ${ref}, or run on a branch that has it.`
      : `run its model first (e.g. rat run +${table}).`;
    super('MISSING_TABLE', `Table ${table} does not exist on ${ref}; ${remedy}`, { table, ref });
  }
}

/**
 * Makes a catalog table queryable in the runner under its SQL name; returns `null` when it does not exist.
 *
 * @example await refreshView(sql, catalog, 'bronze.orders')
 */
export async function refreshView(sql: SqlRunner, catalog: IcebergRestClient, id: string): Promise<ScanPlan | null> {
  return (await loadView(sql, catalog, id))?.plan ?? null;
}

/**
 * As {@link refreshView}, also returning the metadata the view reads (its current snapshot is what the SQL sees).
 *
 * @example const v = await loadView(sql, catalog, 'bronze.orders'); v?.metadata['current-snapshot-id']
 */
export async function loadView(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  id: string,
): Promise<{ plan: ScanPlan; metadata: TableMetadata } | null> {
  const t = tableIdent(id);
  const loaded = await catalog.tryLoadTable(t);
  if (!loaded) return null;
  rememberStorage(loaded.metadata.location, loaded.config, catalog);
  return { plan: await registerTableView(sql, loaded.metadata, t.namespace, t.name), metadata: loaded.metadata };
}

/**
 * The current rows of a table with `__rat_file` / `__rat_pos` (for copy-on-write), on a format version 3 table
 * (`rowLineage`) also each row's `_row_id` and `_last_updated_sequence_number`, and the delete files applied to them
 * (a rewrite's commit checks no other appeared meanwhile), or null when missing.
 */
export async function scanWithFiles(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  id: string,
): Promise<{ select: string; deleteFiles: string[]; rowLineage: boolean } | null> {
  const loaded = await catalog.tryLoadTable(tableIdent(id));
  if (!loaded) return null;
  rememberStorage(loaded.metadata.location, loaded.config, catalog);
  const plan = await planScan(loaded.metadata);
  const rowLineage = loaded.metadata['format-version'] >= 3;
  return {
    select: await scanSql(sql, plan, { withFile: true, rowLineage }),
    deleteFiles: [...plan.positionDeletes, ...plan.equalityDeletes].map((f) => f.file.filePath),
    rowLineage,
  };
}
