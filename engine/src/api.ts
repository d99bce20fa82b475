import type { IcebergRestClient } from '@ratatouille/catalog-client';
import { DuckDbRunner } from './sql/duckdb-runner.ts';
import type { SqlRow, SqlRunner } from './sql/sql-runner.ts';
import { ingest as ingestFiles, type IngestOptions, type IngestResult } from './runner/ingest.ts';
import { transform as transformSql, type TransformOptions } from './runner/materialize.ts';
import { catalogFor, refreshView } from './runner/tables.ts';
import { compileSql } from './pipeline/compile.ts';
import { dottedNames } from './sql/dotted-names.ts';
import type { WriteResult } from './iceberg/writer.ts';

export interface EngineSession {
  readonly sql: SqlRunner;
  readonly catalog: IcebergRestClient;
  /** Lands files into a table (see `ingest` in runner/ingest.ts); `parser` picks the format. */
  ingest(source: string, target: string, opts?: IngestOptions): Promise<IngestResult>;
  /** Materializes a SELECT (refs allowed) into `target`; `mergeKeys` makes it an upsert. */
  transform(o: Omit<TransformOptions, 'sql'> & { sql: string }): Promise<WriteResult | null>;
  /** Runs a query over catalog tables (each `namespace.name` it mentions is loaded first, when it is a table). */
  query(sql: string, tables?: string[]): Promise<SqlRow[]>;
  close(): Promise<void>;
}

/**
 * The programmatic API: one session on a data branch, the same steps the file runner uses. Writes commit
 * directly to `branch` (no run transaction; use `runPipeline` for that).
 *
 * @example
 * const eng = await openEngine({ server: 'http://127.0.0.1:8181', branch: 'dev' });
 * await eng.ingest('landing/orders/*.csv', 'bronze.orders', { parser: 'csv' });
 * await eng.transform({ sql: "SELECT * FROM {{ ref('bronze.orders') }}", target: 'silver.orders', mergeKeys: ['order_id'] });
 * await eng.close();
 */
export async function openEngine(o: { server: string; branch?: string; sql?: SqlRunner }): Promise<EngineSession> {
  const sql = o.sql ?? (await DuckDbRunner.open());
  const catalog = catalogFor(o.server, o.branch ?? 'main');
  const load = async (text: string, extra: string[] = []) => {
    const ids = new Set(extra);
    for (const m of text.matchAll(/ref\(\s*['"]([^'"]+)['"]\s*\)/g)) ids.add(m[1]!);
    for (const id of dottedNames(text)) ids.add(id);
    for (const id of ids) await refreshView(sql, catalog, id);
  };
  return {
    sql,
    catalog,
    ingest: (source, target, opts) => ingestFiles(sql, catalog, source, target, opts),
    async transform(t) {
      await load(t.sql);
      return transformSql(sql, catalog, { ...t, sql: compileSql(t.sql, t.target) });
    },
    async query(text, tables) {
      await load(text, tables);
      return sql.query(compileSql(text, ''));
    },
    async close() {
      if (!o.sql) await sql.close();
    },
  };
}
