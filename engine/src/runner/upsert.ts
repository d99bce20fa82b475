import type { IcebergRestClient } from '@ratatouille/catalog-client';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { ident } from '../sql/sql-runner.ts';
import { writeTable, type WriteOptions, type WriteResult } from '../iceberg/writer.ts';
import { scanWithFiles, tableIdent } from './tables.ts';

let counter = 0;

/**
 * Upsert by key, copy-on-write: the data files holding any key of the new rows are rewritten without those rows,
 * the new rows are added, in one snapshot (a 409 rebases; a rewritten file that vanished meanwhile, or a delete file
 * that appeared, fails the step).
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
    await sql.exec(`DROP TABLE ${hit}`);
    const keep = files.length
      ? `SELECT * EXCLUDE (__rat_file, __rat_pos) FROM (${current}) AS c WHERE c.__rat_file IN (${files
          .map((f) => `'${f.replace(/'/g, "''")}'`)
          .join(', ')}) AND NOT EXISTS (SELECT 1 FROM ${fresh} AS x WHERE ${match('x', 'c')}) UNION ALL BY NAME `
      : '';
    const freshColumns = (await sql.describe(`SELECT * FROM ${fresh}`)).map((c) => c.name);
    return await writeTable(sql, catalog, tableIdent(id), `${keep}SELECT * FROM ${fresh}`, {
      ...opts,
      mode: 'append',
      replaceFiles: files,
      // A delete file added meanwhile may delete rows of the files rewritten: they would come back.
      deleteFilesRead: files.length ? scan.deleteFiles : undefined,
      keepColumns: freshColumns,
    });
  } finally {
    await sql.exec(`DROP TABLE IF EXISTS ${fresh}`);
  }
}
