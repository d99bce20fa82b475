import type { IcebergRestClient } from '@ratatouille/catalog-client';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { ident } from '../sql/sql-runner.ts';
import { writeTable, type WriteOptions, type WriteResult } from '../iceberg/writer.ts';
import { scanWithFiles, tableIdent } from './tables.ts';

let counter = 0;

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
  opts: Omit<WriteOptions, 'mode' | 'replaceFiles'>,
): Promise<WriteResult> {
  const n = ++counter;
  const fresh = `__rat_new_${n}`;
  await sql.exec(`CREATE OR REPLACE TABLE ${fresh} AS ${selectSql}`);
  const scan = await scanWithFiles(sql, catalog, id);
  try {
    if (scan === null || keys.length === 0) {
      return await writeTable(sql, catalog, tableIdent(id), `SELECT * FROM ${fresh}`, { ...opts, mode: 'append' });
    }
    const match = (a: string, b: string) =>
      keys.map((k) => `${a}.${ident(k)} IS NOT DISTINCT FROM ${b}.${ident(k)}`).join(' AND ');
    const current = scan.select;
    const hit = `__rat_hit_${n}`;
    await sql.exec(
      `CREATE OR REPLACE TABLE ${hit} AS SELECT * FROM (${current}) AS c WHERE EXISTS (SELECT 1 FROM ${fresh} AS x WHERE ${match('x', 'c')})`,
    );
    const files = (await sql.query(`SELECT DISTINCT __rat_file AS f FROM ${hit}`)).map((r) => String(r.f));
    // On a v3 table a row keeps its id when it is updated (and takes this snapshot's sequence number as its last
    // update); the rows the rewritten files keep carry theirs as they are.
    const keyList = keys.map(ident).join(', ');
    const added =
      scan.rowLineage && files.length
        ? `SELECT x.*, h._row_id, CAST(NULL AS BIGINT) AS _last_updated_sequence_number FROM ${fresh} AS x LEFT JOIN (SELECT ${keyList}, any_value(_row_id) AS _row_id FROM ${hit} GROUP BY ${keyList}) AS h ON ${match('x', 'h')}`
        : `SELECT * FROM ${fresh}`;
    const keep = files.length
      ? `SELECT * EXCLUDE (__rat_file, __rat_pos) FROM (${current}) AS c WHERE c.__rat_file IN (${files
          .map((f) => `'${f.replace(/'/g, "''")}'`)
          .join(', ')}) AND NOT EXISTS (SELECT 1 FROM ${fresh} AS x WHERE ${match('x', 'c')}) UNION ALL BY NAME `
      : '';
    const freshColumns = (await sql.describe(`SELECT * FROM ${fresh}`)).map((c) => c.name);
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
    await sql.exec(`DROP TABLE IF EXISTS __rat_hit_${n}`);
  }
}
