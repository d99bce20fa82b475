import { DuckDbRunner } from '../sql/duckdb-runner.ts';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { ident } from '../sql/sql-runner.ts';
import { registerTableView } from '../iceberg/reader.ts';
import { rememberStorage } from '../iceberg/files.ts';
import { writeTable, type WriteResult } from '../iceberg/writer.ts';
import { REGISTRY_TABLE } from './ingest.ts';
import { RUNS_TABLE } from './run.ts';
import { catalogFor, tableIdent } from './tables.ts';

/** The engine's own tables: rows are only ever appended (run records, the file registry). */
export const APPEND_ONLY_TABLES: readonly string[] = [RUNS_TABLE, REGISTRY_TABLE];

/**
 * Brings the rows of an append-only table on `from` that `into` lacks over to `into`, as one append: how two
 * branches' run records or file registries combine when both appended since they forked. Rows both sides have (the
 * common history) are not duplicated. Returns null when there was nothing to bring.
 *
 * @example await mergeAppendOnly('http://127.0.0.1:8181', { table: '_rat.runs', from: 'feature@1a2b…', into: 'rat-merge-x' })
 */
export async function mergeAppendOnly(
  server: string,
  o: { table: string; from: string; into: string; properties?: Record<string, string>; sql?: SqlRunner },
): Promise<WriteResult | null> {
  const sql = o.sql ?? (await DuckDbRunner.open());
  try {
    const t = tableIdent(o.table);
    const from = catalogFor(server, o.from);
    const source = await from.tryLoadTable(t);
    if (!source) return null;
    const into = catalogFor(server, o.into);
    const target = await into.tryLoadTable(t);
    rememberStorage(source.metadata.location, source.config, from);
    await registerTableView(sql, source.metadata, ['__rat_from'], 'rows');
    let missing = `SELECT * FROM ${ident('__rat_from')}.${ident('rows')}`;
    if (target) {
      rememberStorage(target.metadata.location, target.config, into);
      await registerTableView(sql, target.metadata, ['__rat_into'], 'rows');
      missing = `${missing} EXCEPT ALL SELECT * FROM ${ident('__rat_into')}.${ident('rows')}`;
    }
    const [{ n }] = await sql.query(`SELECT count(*) AS n FROM (${missing})`);
    if (Number(n) === 0) return null;
    return await writeTable(sql, into, t, missing, { mode: 'append', properties: o.properties });
  } finally {
    if (!o.sql) await sql.close();
  }
}
