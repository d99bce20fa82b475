import { currentSnapshot, INPUT_SNAPSHOTS_PROPERTY } from '@ratatouille/iceberg';
import { PROVENANCE } from '@ratatouille/iceberg/lockstep';
import { CommitConflictError } from '../errors/engine-error.ts';
import { compactionGroups, DEFAULT_MIN_INPUT_FILES, targetFileSize } from '../iceberg/compaction.ts';
import { FINGERPRINT_PROPERTY } from '../iceberg/fingerprint.ts';
import { rememberStorage } from '../iceberg/files.ts';
import { planScan, scanSql } from '../iceberg/reader.ts';
import { writeTable } from '../iceberg/writer.ts';
import { DuckDbRunner } from '../sql/duckdb-runner.ts';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { parseMemoryLimit } from './memory-limit.ts';
import { catalogFor, tableIdent } from './tables.ts';

export interface CompactOptions {
  server: string;
  branch: string;
  /** Table ids (`silver.orders`). */
  tables: string[];
  /** Small files a partition needs before it is rewritten (default 5, as Spark's `rewrite_data_files`). */
  minInputFiles?: number;
  /** Overrides each table's `write.target-file-size-bytes` (default 512 MiB). */
  targetFileSizeBytes?: number;
  /** Say what would be rewritten; write nothing. */
  dryRun?: boolean;
  /** DuckDB's memory budget (`4GB`); the rewrite spills beyond it. */
  memoryLimit?: string;
}

/** What compaction did (or, with `dryRun`, would do) to one table. */
export interface TableCompaction {
  table: string;
  status: 'compacted' | 'would-compact' | 'nothing-to-compact' | 'skipped' | 'missing';
  /** Why a table was skipped. */
  reason?: string;
  /** Partitions rewritten. */
  partitions: number;
  /** Data files of the table before. */
  filesBefore: number;
  /** Small files replaced, their bytes and rows. */
  filesRewritten: number;
  bytesRewritten: number;
  rows: number;
  /** Files written in their place. */
  filesWritten: number;
  snapshotId?: string;
}

/**
 * Summary properties a compaction keeps from the snapshot it replaces: its rows are still that write's, so which
 * model, run and code produced them (the lineage, a merge's rebuild), what its inputs were (the model's next write
 * follows them from there) and the content's fingerprint (a no-op run stays one) carry over. What describes the rows
 * a write added (its landing files, its upsert key) does not.
 */
const KEPT_PROPERTIES = [...Object.values(PROVENANCE), INPUT_SNAPSHOTS_PROPERTY, FINGERPRINT_PROPERTY];

/**
 * Rewrites each table's small data files into files of the target size, partition by partition, as one Iceberg
 * `replace` snapshot per table on the branch (the rows stay exactly the same; a merge replays it beside another
 * branch's appends). Reads and writes inside DuckDB, never through Node. A table with delete files is skipped (its
 * rewrite would have to apply them and drop the delete files with it); a table another writer changed meanwhile
 * is rebased, or skipped when the files it rewrote are gone.
 *
 * @example await compactTables({ server, branch: 'main', tables: ['silver.orders'] })
 */
export async function compactTables(o: CompactOptions): Promise<TableCompaction[]> {
  const budget = o.memoryLimit ? parseMemoryLimit(o.memoryLimit) : undefined;
  const sql = await DuckDbRunner.open(budget ? { memoryLimit: `${budget}B` } : {});
  try {
    const out: TableCompaction[] = [];
    for (const table of o.tables) out.push(await compactTable(sql, table, o));
    return out;
  } finally {
    await sql.close();
  }
}

async function compactTable(sql: SqlRunner, table: string, o: CompactOptions): Promise<TableCompaction> {
  const report: TableCompaction = {
    table,
    status: 'nothing-to-compact',
    partitions: 0,
    filesBefore: 0,
    filesRewritten: 0,
    bytesRewritten: 0,
    rows: 0,
    filesWritten: 0,
  };
  const catalog = catalogFor(o.server, o.branch);
  const loaded = await catalog.tryLoadTable(tableIdent(table));
  if (!loaded) return { ...report, status: 'missing' };
  const md = loaded.metadata;
  rememberStorage(md.location, loaded.config, catalog);
  const plan = await planScan(md);
  report.filesBefore = plan.data.length;
  if (plan.positionDeletes.length || plan.equalityDeletes.length) {
    return {
      ...report,
      status: 'skipped',
      reason: 'it has delete files (rewrite it with an engine that applies them)',
    };
  }
  const groups = compactionGroups(plan.data, {
    targetFileSizeBytes: o.targetFileSizeBytes ?? targetFileSize(md.properties),
    minInputFiles: o.minInputFiles ?? DEFAULT_MIN_INPUT_FILES,
  });
  if (groups.length === 0) return report;
  const files = groups.flatMap((g) => g.files);
  Object.assign(report, {
    status: 'would-compact',
    partitions: groups.length,
    filesRewritten: files.length,
    bytesRewritten: groups.reduce((a, g) => a + g.bytes, 0),
    rows: groups.reduce((a, g) => a + g.rows, 0),
  });
  if (o.dryRun) return report;
  const summary = currentSnapshot(md)?.summary ?? {};
  const properties = Object.fromEntries(
    KEPT_PROPERTIES.filter((k) => summary[k] !== undefined).map((k) => [k, summary[k]!]),
  );
  const select = await scanSql(sql, { ...plan, data: files, positionDeletes: [], equalityDeletes: [] });
  try {
    const w = await writeTable(sql, catalog, tableIdent(table), select, {
      mode: 'replace',
      replaceFiles: files.map((f) => f.file.filePath),
      properties,
    });
    return { ...report, status: 'compacted', filesWritten: w.addedFiles, snapshotId: String(w.snapshotId) };
  } catch (err) {
    if (!(err instanceof CommitConflictError)) throw err;
    return { ...report, status: 'skipped', reason: `the table changed meanwhile: ${err.message}` };
  }
}
