import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IcebergRestClient } from '@ratatouille/catalog-client';
import { INGEST_FILES_PROPERTY } from '@ratatouille/iceberg';
import type { SqlRow, SqlRunner } from '../sql/sql-runner.ts';
import { ident, lit } from '../sql/sql-runner.ts';
import { filesTheTableLacks } from './registry-drift.ts';
import { writeTable, type WriteResult } from '../iceberg/writer.ts';
import { EngineError } from '../errors/engine-error.ts';
import type { SourceConfig } from '../pipeline/model.ts';
import { refreshView, sqlName, tableIdent } from './tables.ts';
import { upsert } from './upsert.ts';
import { refreshProperties } from './full-refresh.ts';
import { formatOf, landingFiles, readerSql, sha256, xlsxToNdjson } from './landing-files.ts';

/**
 * Where the file registry lives: an Iceberg table on the data branch itself, so that which files a branch has
 * ingested is versioned with the data it ingested (a feature branch's ingests reach `main` only by merge, and a
 * failed run's registry rows stay on the kept run branch).
 */
export const REGISTRY_TABLE = '_rat.ingest_files';

export class RejectedRowsError extends EngineError<
  'REJECTED_ROWS',
  { table: string; rejected: number; files: string[] }
> {}
export class ChangedFileError extends EngineError<'CHANGED_FILE', { table: string; file: string }> {}

export interface IngestOptions {
  /** Parser for a file (`csv`, `json`, `ndjson`, `parquet`, `xlsx`); default from the extension. */
  parser?: SourceConfig['format'];
  options?: SourceConfig['options'];
  columns?: Record<string, string>;
  rename?: Record<string, string>;
  onChange?: SourceConfig['onChange'];
  rejects?: SourceConfig['rejects'];
  uniqueKey?: string[];
  partitionBy?: string[];
  /** What a file with other columns than the table does (default `fail`). */
  onSchemaChange?: 'fail' | 'append_new_columns' | 'sync_all_columns';
  /** Same as `onSchemaChange: 'append_new_columns'`. */
  evolveSchema?: boolean;
  /** Folder relative paths are taken from (registry keys are relative to it). */
  baseDir?: string;
  runId?: string;
  properties?: Record<string, string>;
  /**
   * Replace the table with every landing file read again, columns included, as a first ingest of them would write
   * it (`rat run --full-refresh`: after a change to the declared types, renames or reader options). The snapshot
   * is marked `rat.full-refresh`; the quarantine of rejected rows is replaced too.
   */
  fullRefresh?: boolean;
}

export interface IngestResult {
  table: string;
  files: { path: string; status: 'ingested' | 'skipped' | 'reingested'; rows: number; rejected: number }[];
  rows: number;
  rejected: number;
  write: WriteResult | null;
}

let counter = 0;

/** The columns ingest adds to every row of a source's table, after the file's own. */
export const INGEST_COLUMNS = [
  { name: '_source_file', type: 'VARCHAR' },
  { name: '_ingested_at', type: 'TIMESTAMP' },
  { name: '_run_id', type: 'VARCHAR' },
] as const;

/**
 * A landing file's column as its table has it: renamed as `rename` says, with the type `columns` declares for it (by
 * its new name, else its name in the file); no type when none is declared (the file's own stands).
 *
 * @example declaredColumn('cust', { customer_id: 'BIGINT' }, { cust: 'customer_id' }) // { name: 'customer_id', type: 'BIGINT' }
 */
export function declaredColumn(
  name: string,
  columns: Record<string, string>,
  rename: Record<string, string>,
): { name: string; type?: string } {
  const out = rename[name] ?? name;
  const type = columns[out] ?? columns[name];
  return type ? { name: out, type } : { name: out };
}

/**
 * Ingests landing files into a bronze table: new files are read (CSV, JSON, NDJSON, Parquet, Excel), declared
 * column types applied with `TRY_CAST` (values that do not cast, and malformed CSV lines, are rejects: quarantined
 * to `<table>_rejected` or failing the step), renames applied, `_source_file` / `_ingested_at` / `_run_id` added,
 * then appended (or upserted by `uniqueKey`) in one commit. The file registry (`_rat.ingest_files`) skips files
 * already ingested with the same content hash; a changed file is re-ingested (its old rows replaced), skipped or
 * fails the step, per `onChange`. With `fullRefresh`, every file is read again and replaces the table.
 *
 * @example await ingest(sql, catalog, 'landing/orders/*.csv', 'bronze.orders', { parser: 'csv' })
 */
export async function ingest(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  source: string,
  target: string,
  opts: IngestOptions = {},
): Promise<IngestResult> {
  const baseDir = opts.baseDir ?? process.cwd();
  const runId = opts.runId ?? `adhoc-${Date.now()}`;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rat-ingest-'));
  try {
    return await ingestFiles(sql, catalog, await landingFiles(baseDir, source, tmp), target, opts, runId, tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function ingestFiles(
  sql: SqlRunner,
  catalog: IcebergRestClient,
  files: { abs: string; rel: string }[],
  target: string,
  opts: IngestOptions,
  runId: string,
  tmp: string,
): Promise<IngestResult> {
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const result: IngestResult = { table: target, files: [], rows: 0, rejected: 0, write: null };

  // What the registry says about these files.
  const known = new Map<string, string>();
  let lacking = new Set<string>();
  if (await refreshView(sql, catalog, REGISTRY_TABLE)) {
    const rows = await sql.query(
      `SELECT path, arg_max(content_hash, ingested_at) AS h, arg_max(run_id, ingested_at) AS run, arg_max(rows, ingested_at) AS n FROM ${sqlName(REGISTRY_TABLE)} WHERE target = ${lit(target)} AND status = 'ingested' GROUP BY path`,
    );
    for (const r of rows) known.set(String(r.path), String(r.h));
    const present = new Set(files.map((f) => f.rel));
    const entries = rows
      .filter((r) => present.has(String(r.path)))
      .map((r) => ({ path: String(r.path), contentHash: String(r.h), runId: String(r.run), rows: Number(r.n) }));
    lacking = await filesTheTableLacks(sql, catalog, target, entries, { upsert: !!opts.uniqueKey?.length });
  }
  // A file the registry has never seen is ingested whatever its content, so its hash (needed only for its
  // registry row) is computed while DuckDB writes the data (below); a known file's hash decides whether it is read.
  const todo: { abs: string; rel: string; hash?: string; changed: boolean }[] = [];
  for (const { abs, rel } of files) {
    const prev = known.get(rel);
    if (opts.fullRefresh) {
      todo.push({ abs, rel, changed: prev !== undefined });
      continue;
    }
    if (prev === undefined) {
      todo.push({ abs, rel, changed: false });
      continue;
    }
    const hash = await sha256(abs);
    // Registered but not in the table (a data merge kept the other side's table): read again, whatever on_change says.
    if (lacking.has(rel)) {
      todo.push({ abs, rel, hash, changed: true });
      continue;
    }
    if (prev === hash) {
      result.files.push({ path: rel, status: 'skipped', rows: 0, rejected: 0 });
      continue;
    }
    const policy = opts.onChange ?? 'reingest';
    if (policy === 'skip') {
      result.files.push({ path: rel, status: 'skipped', rows: 0, rejected: 0 });
      continue;
    }
    if (policy === 'fail') {
      throw new ChangedFileError(
        'CHANGED_FILE',
        `${rel} changed since it was ingested into ${target} (on_change: fail)`,
        {
          table: target,
          file: rel,
        },
      );
    }
    todo.push({ abs, rel, hash, changed: true });
  }
  // A full refresh of a source whose files are all gone empties its table (when it has one).
  if (todo.length === 0 && !(opts.fullRefresh && (await refreshView(sql, catalog, target)))) return result;

  const n = ++counter;
  const good: string[] = [];
  const rejectedParts: string[] = [];
  const rowsBy = new Map<string, number>();
  const rejectedBy = new Map<string, number>();
  // What this ingest created in the runner, dropped at the end in one statement.
  const dropLater: string[] = [];
  try {
    for (const [i, f] of todo.entries()) {
      let file = f.abs;
      let format = formatOf(f.abs, opts.parser);
      if (format === 'xlsx') {
        file = path.join(tmp, `${i}.ndjson`);
        await xlsxToNdjson(f.abs, opts.options?.sheet, file);
        format = 'ndjson';
      }
      const raw = `__rat_raw_${n}_${i}`;
      const readerOpts = { ...(opts.options ?? {}) };
      delete readerOpts.sheet;
      if (format === 'csv') {
        // CSV is materialized once so that its malformed lines land in the rejects table.
        await sql.exec(`DROP TABLE IF EXISTS __rat_rejects; DROP TABLE IF EXISTS __rat_rejects_scan`);
        await sql.exec(`CREATE OR REPLACE TABLE ${raw} AS SELECT * FROM ${readerSql(file, format, readerOpts)}`);
        dropLater.push(`DROP TABLE IF EXISTS ${raw}`);
      } else {
        await sql.exec(`CREATE OR REPLACE VIEW ${raw} AS SELECT * FROM ${readerSql(file, format, readerOpts)}`);
        dropLater.push(`DROP VIEW IF EXISTS ${raw}`);
      }
      const cols = await sql.describe(`SELECT * FROM ${raw}`);
      const declared = opts.columns ?? {};
      const rename = opts.rename ?? {};
      const select: string[] = [];
      const bad: string[] = [];
      for (const c of cols) {
        const { name: out, type } = declaredColumn(c.name, declared, rename);
        if (type) {
          const cast = `TRY_CAST(CAST(${ident(c.name)} AS VARCHAR) AS ${type})`;
          select.push(`${cast} AS ${ident(out)}`);
          bad.push(
            `CASE WHEN ${ident(c.name)} IS NOT NULL AND ${cast} IS NULL THEN ${lit(`${out}: not a ${type}`)} END`,
          );
        } else {
          select.push(`${ident(c.name)} AS ${ident(out)}`);
        }
      }
      const meta = `${lit(f.rel)} AS _source_file, TIMESTAMP ${lit(now)} AS _ingested_at, ${lit(runId)} AS _run_id`;
      // Rows and rejects per file are counted here, on the input (Parquet: from its footer; rejects: reading only
      // the declared columns), so that the good rows go to the table file in one pass, never staged in between.
      let counted: SqlRow;
      if (bad.length === 0) {
        good.push(`SELECT ${select.join(', ')}, ${meta} FROM ${raw} AS r`);
        [counted] = await sql.query(`SELECT count(*) AS total, 0 AS bad FROM ${raw}`);
      } else {
        const reason = `concat_ws('; ', ${bad.join(', ')})`;
        good.push(`SELECT ${select.join(', ')}, ${meta} FROM ${raw} AS r WHERE ${reason} = ''`);
        rejectedParts.push(
          `SELECT ${lit(f.rel)} AS _source_file, ${reason} AS reason, to_json(r)::VARCHAR AS raw, ${lit(runId)} AS _run_id FROM ${raw} AS r WHERE ${reason} <> ''`,
        );
        [counted] = await sql.query(
          `SELECT count(*) AS total, count(*) FILTER (WHERE ${reason} <> '') AS bad FROM ${raw} AS r`,
        );
      }
      rowsBy.set(f.rel, Number(counted!.total) - Number(counted!.bad));
      rejectedBy.set(f.rel, Number(counted!.bad));
      if (format === 'csv') {
        const structural = await sql.query(`SELECT count(*) AS n FROM __rat_rejects`).catch(() => [{ n: 0 }]);
        const lines = Number(structural[0]?.n ?? 0);
        rejectedBy.set(f.rel, (rejectedBy.get(f.rel) ?? 0) + lines);
        if (lines > 0) {
          const t = `__rat_csvrej_${n}_${i}`;
          dropLater.push(`DROP TABLE IF EXISTS ${t}`);
          await sql.exec(
            `CREATE OR REPLACE TABLE ${t} AS SELECT ${lit(f.rel)} AS _source_file, 'line ' || line || ': ' || error_message AS reason, csv_line AS raw, ${lit(runId)} AS _run_id FROM __rat_rejects`,
          );
          rejectedParts.push(`SELECT * FROM ${t}`);
        }
      }
    }
    // Started only now, so that hashing (on this thread) runs beside the writes rather than delaying the
    // statements above; awaited for the registry rows, and never left unhandled if a write fails first.
    const hashing = (async () => {
      for (const f of todo) f.hash ??= await sha256(f.abs);
    })();
    hashing.catch(() => {});
    // The table's, the rejects' and the registry's snapshots name the files they hold (table, content hash, path),
    // so that a merge does not replay an append of a file the other branch ingested too: its rows would be twice.
    const ingested = hashing.then(() => ({
      [INGEST_FILES_PROPERTY]: JSON.stringify(todo.map((f) => `${target} ${f.hash!} ${f.rel}`)),
    }));
    ingested.catch(() => {});
    const rejectedSql = rejectedParts.length ? rejectedParts.join(' UNION ALL ') : '';
    result.rejected = [...rejectedBy.values()].reduce((a, b) => a + b, 0);
    if (result.rejected > 0) {
      if ((opts.rejects ?? 'quarantine') === 'fail') {
        throw new RejectedRowsError(
          'REJECTED_ROWS',
          `${result.rejected} malformed row(s) for ${target} (rejects: fail)`,
          {
            table: target,
            rejected: result.rejected,
            files: [...rejectedBy].filter(([, k]) => k > 0).map(([f]) => f),
          },
        );
      }
      await writeTable(sql, catalog, tableIdent(`${target}_rejected`), rejectedSql, {
        mode: opts.fullRefresh ? 'overwrite' : 'append',
        properties: opts.fullRefresh ? refreshProperties(opts.properties) : opts.properties,
        ...(opts.fullRefresh ? { onSchemaChange: 'replace' as const } : { lateProperties: ingested }),
      });
    } else if (opts.fullRefresh && (await refreshView(sql, catalog, `${target}_rejected`))) {
      // No file has a malformed row now: the rows quarantined before are gone with the files' old reading.
      const rejected = sqlName(`${target}_rejected`);
      await writeTable(sql, catalog, tableIdent(`${target}_rejected`), `SELECT * FROM ${rejected} WHERE false`, {
        mode: 'overwrite',
        properties: refreshProperties(opts.properties),
      });
    }
    const all = `(${good.join(' UNION ALL BY NAME ')})`;
    result.rows = [...rowsBy.values()].reduce((a, b) => a + b, 0);
    const changed = todo.filter((f) => f.changed).map((f) => f.rel);
    const writeOpts = {
      partitionBy: opts.partitionBy,
      onSchemaChange: opts.onSchemaChange ?? (opts.evolveSchema ? 'append_new_columns' : 'fail'),
      properties: opts.properties,
      lateProperties: ingested,
    } as const;
    if (opts.fullRefresh) {
      // The table as a first ingest of these files writes it, columns included; no file's rows are an append a
      // merge could match (the snapshot names none).
      result.write = await writeTable(
        sql,
        catalog,
        tableIdent(target),
        good.length ? `SELECT * FROM ${all}` : `SELECT * FROM ${sqlName(target)} WHERE false`,
        {
          ...writeOpts,
          properties: refreshProperties(opts.properties),
          lateProperties: undefined,
          mode: 'overwrite',
          onSchemaChange: 'replace',
        },
      );
    } else if (opts.uniqueKey?.length) {
      result.write = await upsert(sql, catalog, target, `SELECT * FROM ${all}`, opts.uniqueKey, writeOpts);
    } else if (changed.length && (await refreshView(sql, catalog, target))) {
      // A changed file replaces the rows it brought before: rewrite the table without them.
      result.write = await writeTable(
        sql,
        catalog,
        tableIdent(target),
        `SELECT * FROM ${sqlName(target)} WHERE _source_file NOT IN (${changed.map(lit).join(', ')}) UNION ALL BY NAME SELECT * FROM ${all}`,
        { ...writeOpts, mode: 'overwrite' },
      );
    } else {
      result.write = await writeTable(sql, catalog, tableIdent(target), `SELECT * FROM ${all}`, {
        ...writeOpts,
        mode: 'append',
      });
    }
    for (const f of todo) {
      result.files.push({
        path: f.rel,
        status: f.changed ? 'reingested' : 'ingested',
        rows: rowsBy.get(f.rel) ?? 0,
        rejected: rejectedBy.get(f.rel) ?? 0,
      });
    }
    await hashing;
    if (todo.length === 0) return result;
    const reg = todo
      .map(
        (f) =>
          `SELECT ${lit(f.rel)} AS path, ${lit(f.hash!)} AS content_hash, ${lit(target)} AS target, ${rowsBy.get(f.rel) ?? 0}::BIGINT AS rows, ${
            rejectedBy.get(f.rel) ?? 0
          }::BIGINT AS rejected, TIMESTAMP ${lit(now)} AS ingested_at, 'ingested' AS status, ${lit(runId)} AS run_id`,
      )
      .join(' UNION ALL ');
    await writeTable(sql, catalog, tableIdent(REGISTRY_TABLE), reg, {
      mode: 'append',
      properties: { ...opts.properties, ...(await ingested) },
    });
    return result;
  } finally {
    // A failed clean-up must not hide the error that ended the ingest.
    if (dropLater.length) await sql.exec(dropLater.join('; ')).catch(() => {});
  }
}
