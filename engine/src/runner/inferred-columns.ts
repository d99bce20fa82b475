import { DuckDbRunner } from '../sql/duckdb-runner.ts';
import type { SqlColumn } from '../sql/sql-runner.ts';
import { ident } from '../sql/sql-runner.ts';
import { compileModel, type RunVars } from '../pipeline/compile.ts';
import type { Model, Project, SourceModel } from '../pipeline/model.ts';
import { listFiles, readerSql } from './landing-files.ts';
import { declaredColumn, INGEST_COLUMNS } from './ingest.ts';
import { asksColumns, settledRendering } from './compile-for-run.ts';
import type { ColumnsOf } from './unit-tests.ts';
import { sqlName, tableIdent } from './tables.ts';

/**
 * The columns of the project's tables for unit tests on a branch that has not built them yet: dbt builds a unit
 * test's inputs before it, rat tests before it builds anything, and a first run (or a new model) would otherwise
 * need every column in the given rows and type none. The branch's table wins where it exists; else a source's (and a
 * seed's) columns are its first landing file's as ingest reads it (declared types, renames, the columns ingest adds),
 * and a SQL model's are its SELECT's over empty tables of its inputs' columns, found the same way. Undefined when
 * neither says (a table written outside the project that the branch lacks, an scd2 table, a SELECT that fails).
 *
 * @example const inferred = inferringColumns(project, columnsOn(sql, catalog), { vars }); … await inferred.close()
 */
export function inferringColumns(
  project: Pick<Project, 'dir' | 'models' | 'macros'>,
  onBranch: ColumnsOf,
  o: { vars?: RunVars } = {},
): { columnsOf: ColumnsOf; close(): Promise<void> } {
  const known = new Map<string, Promise<SqlColumn[] | undefined>>();
  let db: Promise<DuckDbRunner> | undefined;
  const scratch = () => (db ??= DuckDbRunner.open());
  const columnsOf: ColumnsOf = (table) => {
    let found = known.get(table);
    if (!found) {
      found = (async () => (await onBranch(table)) ?? inferred(project.models.get(table)))();
      known.set(table, found);
    }
    return found;
  };
  const inferred = async (m: Model | undefined): Promise<SqlColumn[] | undefined> => {
    if (!m) return undefined;
    try {
      return m.kind === 'source' ? await sourceColumns(m) : await selectColumns(m);
    } catch {
      return undefined;
    }
  };
  const sourceColumns = async (m: SourceModel): Promise<SqlColumn[] | undefined> => {
    const { path: pattern, format, options, columns: declared, rename } = m.source;
    const [file] = format === 'xlsx' || pattern.startsWith('s3://') ? [] : listFiles(project.dir, pattern);
    if (!file) return undefined;
    const sql = await scratch();
    // The CSV reader keeps its rejects in tables of fixed names, as ingest's does: each read starts without them.
    await sql.exec('DROP TABLE IF EXISTS __rat_rejects; DROP TABLE IF EXISTS __rat_rejects_scan');
    const read = await sql.describe(`SELECT * FROM ${readerSql(file, format, options)}`);
    const columns = read.map((c) => {
      const d = declaredColumn(c.name, declared, rename);
      return { name: d.name, type: d.type ?? c.type };
    });
    return [...columns, ...INGEST_COLUMNS];
  };
  const selectColumns = async (m: Extract<Model, { kind: 'sql' }>): Promise<SqlColumn[] | undefined> => {
    if (m.config.materialized === 'scd2') return undefined;
    const sql = await scratch();
    const inputs = new Map<string, SqlColumn[]>();
    for (const r of m.refs) {
      const cols = await columnsOf(r.target);
      if (!cols) return undefined;
      inputs.set(r.target, cols);
    }
    // Each input as an empty table of its columns, named as the compiled SQL names it (a table's columns are the
    // same wherever it is read, so one model's inputs may stand for another's).
    for (const [id, cols] of inputs) {
      await sql.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(tableIdent(id).namespace.join('_'))}`);
      await sql.exec(
        `CREATE OR REPLACE TABLE ${sqlName(id)} (${cols.map((c) => `${ident(c.name)} ${c.type}`).join(', ')})`,
      );
    }
    const place = { model: m.id, file: m.file, line: m.sqlLine };
    const columns = asksColumns(project, m.sql) ? inputs : undefined;
    const compiled = await settledRendering(sql, place, (queries) =>
      compileModel(m, { vars: o.vars, macros: project.macros, columns, queries }),
    );
    return await sql.describe(compiled.sql);
  };
  return {
    columnsOf,
    async close() {
      if (db) await (await db).close();
    },
  };
}
