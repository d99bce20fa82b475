import type { IcebergRestClient } from '@ratatouille/catalog-client';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { ident } from '../sql/sql-runner.ts';
import { writeTable, type WriteOptions, type WriteResult } from '../iceberg/writer.ts';
import { scanWithFiles, tableIdent } from './tables.ts';

let counter = 0;

type RewriteOptions = Omit<WriteOptions, 'mode' | 'replaceFiles'>;

/**
 * Upsert by key, copy-on-write: the data files holding any key of the new rows are rewritten without those rows,
 * the new rows are added, in one snapshot (a 409 rebases; a rewritten file that vanished meanwhile, or a delete file
 * that appeared, fails the step). On a format version 3 table every row keeps its id: an updated row takes the id of
 * the row it replaces.
 * Creates the table when missing.
 *
 * @example await upsert(sql, catalog, 'silver.orders', 'SELECT * FROM new_orders', ['order_id'], { mode: 'append' })
 */
export async function upsert(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  id: string,
  selectSql: string,
  keys: string[],
  opts: RewriteOptions,
): Promise<WriteResult> {
  const match = (a: string, b: string) =>
    keys.map((k) => `${a}.${ident(k)} IS NOT DISTINCT FROM ${b}.${ident(k)}`).join(' AND ');
  const keyList = keys.map(ident).join(', ');
  const written = await replaceRows(
    sql,
    catalog,
    id,
    selectSql,
    opts,
    keys.length === 0
      ? undefined
      : {
          replaced: (fresh) => `EXISTS (SELECT 1 FROM ${fresh} AS x WHERE ${match('x', 'c')})`,
          // An updated row keeps the id of the row it replaces (and takes this snapshot's sequence number as its last
          // update).
          lineage: (fresh, hit) =>
            `SELECT x.*, h._row_id, CAST(NULL AS BIGINT) AS _last_updated_sequence_number FROM ${fresh} AS x LEFT JOIN (SELECT ${keyList}, any_value(_row_id) AS _row_id FROM ${hit} GROUP BY ${keyList}) AS h ON ${match('x', 'h')}`,
        },
  );
  // Only a window with no rows, old or new, writes nothing; an upsert always has rows.
  return written!;
}

/**
 * dbt's microbatch write, copy-on-write: the rows whose `column` falls in [`start`, `end`) are replaced by the new
 * rows, in one snapshot (the data files holding such rows rewritten without them), as {@link upsert} replaces rows by
 * key. New rows take new ids on a format version 3 table. Null when the window had no rows and has none.
 *
 * @example await replaceWindow(sql, catalog, 'silver.events', 'SELECT …', 'ts', "TIMESTAMP '2024-01-01'", "TIMESTAMP '2024-01-02'", {})
 */
export async function replaceWindow(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  id: string,
  selectSql: string,
  window: { column: string; start: string; end: string },
  opts: RewriteOptions,
): Promise<WriteResult | null> {
  const c = `c.${ident(window.column)}`;
  return replaceRows(sql, catalog, id, selectSql, opts, {
    replaced: () => `${c} >= ${window.start} AND ${c} < ${window.end}`,
    emptyIsNothing: true,
    lineage: (fresh) =>
      `SELECT x.*, CAST(NULL AS BIGINT) AS _row_id, CAST(NULL AS BIGINT) AS _last_updated_sequence_number FROM ${fresh} AS x`,
  });
}

/**
 * The table's rows that `rule.replaced` holds for (a condition on the current row `c`, given the new rows' table) are
 * replaced by the new rows of `selectSql`: the files holding one are rewritten without them. Without a rule, or
 * without the table, the new rows are appended. Null when `rule.emptyIsNothing` and there is nothing to replace.
 */
async function replaceRows(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  id: string,
  selectSql: string,
  opts: RewriteOptions,
  rule:
    | { replaced(fresh: string): string; lineage(fresh: string, hit: string): string; emptyIsNothing?: boolean }
    | undefined,
): Promise<WriteResult | null> {
  const n = ++counter;
  const fresh = `__rat_new_${n}`;
  const hit = `__rat_hit_${n}`;
  await sql.exec(`CREATE OR REPLACE TABLE ${fresh} AS ${selectSql}`);
  const scan = await scanWithFiles(sql, catalog, id);
  try {
    if (scan === null || rule === undefined) {
      return await writeTable(sql, catalog, tableIdent(id), `SELECT * FROM ${fresh}`, { ...opts, mode: 'append' });
    }
    const current = scan.select;
    // A row the condition cannot decide (a null event time) is not replaced.
    const replaced = `coalesce((${rule.replaced(fresh)}), false)`;
    await sql.exec(`CREATE OR REPLACE TABLE ${hit} AS SELECT * FROM (${current}) AS c WHERE ${replaced}`);
    const files = (await sql.query(`SELECT DISTINCT __rat_file AS f FROM ${hit}`)).map((r) => String(r.f));
    if (rule.emptyIsNothing && files.length === 0) {
      const [{ n: rows }] = await sql.query(`SELECT count(*) AS n FROM ${fresh}`);
      if (Number(rows) === 0) return null;
    }
    // On a v3 table the rows the rewritten files keep carry their ids as they are.
    const added = scan.rowLineage && files.length ? rule.lineage(fresh, hit) : `SELECT * FROM ${fresh}`;
    const keep = files.length
      ? `SELECT * EXCLUDE (__rat_file, __rat_pos) FROM (${current}) AS c WHERE c.__rat_file IN (${files
          .map((f) => `'${f.replace(/'/g, "''")}'`)
          .join(', ')}) AND NOT (${replaced}) UNION ALL BY NAME `
      : '';
    const freshColumns = (await sql.describe(`SELECT * FROM ${fresh}`)).map((col) => col.name);
    return await writeTable(sql, catalog, tableIdent(id), `${keep}${added}`, {
      ...opts,
      mode: 'append',
      replaceFiles: files,
      rowLineage: scan.rowLineage && files.length > 0,
      // A delete file added meanwhile may delete rows of the files rewritten: they would come back.
      deleteFilesRead: files.length ? scan.deleteFiles : undefined,
      keepColumns: freshColumns,
    });
  } finally {
    await sql.exec(`DROP TABLE IF EXISTS ${fresh}`);
    await sql.exec(`DROP TABLE IF EXISTS ${hit}`);
  }
}
