import { currentSnapshot, INPUT_SNAPSHOTS_PROPERTY, type PartitionSpecJson } from '@ratatouille/iceberg';
import { PROVENANCE } from '@ratatouille/iceberg/lockstep';
import { CommitConflictError } from '../errors/engine-error.ts';
import {
  compactionGroups,
  DEFAULT_MIN_INPUT_FILES,
  deletesApplying,
  targetFileSize,
  unusedDeletes,
} from '../iceberg/compaction.ts';
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
  /** A file whose own position deletes remove this share of its rows is rewritten whatever its size (default 0.3). */
  deleteRatio?: number;
  /** A file that this many delete files apply to is rewritten whatever its size (default: no such rule). */
  deleteFileThreshold?: number;
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
  /** Data files replaced (small, or deleted from), their bytes and rows. */
  filesRewritten: number;
  bytesRewritten: number;
  rows: number;
  /** Delete files of the table before, and those the rewrite left applying to nothing, removed with it. */
  deleteFilesBefore: number;
  deleteFilesRemoved: number;
  /** Rows of the replaced files that their delete files removed: the files written hold `rows` less these. */
  rowsDeleted: number;
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
 * Rewrites each table's small data files, and those its deletes weigh on, into files of the target size, partition
 * by partition, as one Iceberg `replace` snapshot per table on the branch: the rows stay exactly the same (a merge
 * replays it beside another branch's appends). The delete files (position, equality, v3 deletion vectors) that apply
 * to the files rewritten are applied in the rewrite, and those then applying to no file left are removed with it
 * (with nothing to rewrite, delete files that apply to no file are still removed).
 * Reads and writes inside DuckDB, never through Node. A table another writer changed meanwhile is rebased, or skipped
 * when the files it rewrote are gone or a delete file it did not read was added. On a format version 3 table the rows
 * keep their ids (row lineage): the files written hold `_row_id` and `_last_updated_sequence_number`.
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
    deleteFilesBefore: 0,
    deleteFilesRemoved: 0,
    rowsDeleted: 0,
    filesWritten: 0,
  };
  const catalog = catalogFor(o.server, o.branch);
  const loaded = await catalog.tryLoadTable(tableIdent(table));
  if (!loaded) return { ...report, status: 'missing' };
  const md = loaded.metadata;
  rememberStorage(md.location, loaded.config, catalog);
  const plan = await planScan(md);
  const deletes = [...plan.positionDeletes, ...plan.equalityDeletes];
  const specs = md['partition-specs'] as PartitionSpecJson[];
  Object.assign(report, { filesBefore: plan.data.length, deleteFilesBefore: deletes.length });
  const applying = deletesApplying(plan.data, deletes, specs);
  const groups = compactionGroups(
    plan.data,
    {
      targetFileSizeBytes: o.targetFileSizeBytes ?? targetFileSize(md.properties),
      minInputFiles: o.minInputFiles ?? DEFAULT_MIN_INPUT_FILES,
      deleteRatio: o.deleteRatio,
      deleteFileThreshold: o.deleteFileThreshold,
    },
    applying,
  );
  const files = groups.flatMap((g) => g.files);
  const rewritten = new Set(files.map((f) => f.file.filePath));
  // Also the delete files that already applied to nothing (their data files rewritten by an upsert or another
  // engine): with no file to rewrite, the snapshot only removes them.
  const dropped = unusedDeletes(
    plan.data.filter((f) => !rewritten.has(f.file.filePath)),
    deletes,
    specs,
  );
  if (groups.length === 0 && dropped.length === 0) return report;
  Object.assign(report, {
    status: 'would-compact',
    partitions: groups.length,
    filesRewritten: files.length,
    bytesRewritten: groups.reduce((a, g) => a + g.bytes, 0),
    rows: groups.reduce((a, g) => a + g.rows, 0),
    deleteFilesRemoved: dropped.length,
  });
  if (o.dryRun) return report;
  const summary = currentSnapshot(md)?.summary ?? {};
  const properties = Object.fromEntries(
    KEPT_PROPERTIES.filter((k) => summary[k] !== undefined).map((k) => [k, summary[k]!]),
  );
  // Only the delete files that apply to the files rewritten are read.
  const read = new Set(files.flatMap((f) => applying.get(f.file.filePath) ?? []));
  // A v3 table's rows keep their ids and last updates: the rewrite writes them out.
  const rowLineage = md['format-version'] >= 3;
  const select = await scanSql(
    sql,
    {
      ...plan,
      data: files,
      positionDeletes: plan.positionDeletes.filter((f) => read.has(f)),
      equalityDeletes: plan.equalityDeletes.filter((f) => read.has(f)),
    },
    { rowLineage },
  );
  // With deletes applied the files written hold fewer rows than those replaced: counted first, so the commit
  // still checks that the rewrite kept every row it should.
  const expectedRows =
    read.size === 0 ? report.rows : Number((await sql.query(`SELECT count(*) AS n FROM (${select})`))[0]!.n);
  try {
    const w = await writeTable(sql, catalog, tableIdent(table), select, {
      mode: 'replace',
      replaceFiles: [...files, ...dropped].map((f) => f.file.filePath),
      expectedRows,
      deleteFilesRead: deletes.map((f) => f.file.filePath),
      rowLineage,
      properties,
    });
    return {
      ...report,
      status: 'compacted',
      rowsDeleted: report.rows - expectedRows,
      filesWritten: w.addedFiles,
      snapshotId: String(w.snapshotId),
    };
  } catch (err) {
    if (!(err instanceof CommitConflictError)) throw err;
    return { ...report, status: 'skipped', reason: `the table changed meanwhile: ${err.message}` };
  }
}
