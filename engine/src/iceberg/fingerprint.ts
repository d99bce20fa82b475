import { createHash } from 'node:crypto';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { lit } from '../sql/sql-runner.ts';
import type { IcebergSchema } from './types.ts';
import { localCopies } from './files.ts';
import { liveFiles, type refSnapshot } from './manifests.ts';

/**
 * Snapshot summary property holding the fingerprint of the table's whole content after that snapshot. Only writes
 * that replace the whole table set it (their result is the table); appends leave it out, so a later overwrite never
 * compares against a stale value.
 */
export const FINGERPRINT_PROPERTY = 'rat.content-fingerprint';

/**
 * A fingerprint of a row set and its schema: the row count plus the sum (as a 128-bit integer) of a 64-bit hash of
 * every row, so it ignores row order and file layout, and the column names and types. Two different contents share
 * a fingerprint with odds of about 2^-64; a wrong "different" only costs a rewrite, so a changed hash function
 * (a DuckDB upgrade) is harmless.
 *
 * @example await contentFingerprint(sql, "SELECT * FROM read_parquet(['/w/t/data/a.parquet'])", schema)
 */
export async function contentFingerprint(
  sql: SqlRunner,
  rowsSql: string | null,
  schema: Pick<IcebergSchema, 'fields'>,
): Promise<string> {
  let count = '0';
  let sum = '0';
  if (rowsSql !== null) {
    const [row] = await sql.query(
      `SELECT CAST(count(*) AS VARCHAR) AS n, CAST(coalesce(sum(hash(__rat_row)::HUGEINT), 0) AS VARCHAR) AS h FROM (${rowsSql}) AS __rat_row`,
    );
    count = String(row.n);
    sum = String(row.h);
  }
  const columns = schema.fields.map((f) => [f.name, f.type]);
  return createHash('sha256')
    .update(JSON.stringify({ v: 1, columns, count, sum }))
    .digest('hex')
    .slice(0, 32);
}

/** The rows of Parquet files just written, read back as the table will read them (no hive partition columns). */
export function parquetRowsSql(files: string[]): string | null {
  if (files.length === 0) return null;
  return `SELECT * FROM read_parquet([${files.map(lit).join(', ')}], hive_partitioning = false)`;
}

/**
 * The fingerprint of a table's content at its `main` snapshot: the one its summary recorded, else computed from its
 * data files the same way {@link contentFingerprint} reads freshly written ones. `undefined` when it cannot be had
 * cheaply and exactly (delete files apply, or the files do not read back under one schema): the caller then treats
 * the content as different, which only costs a rewrite.
 *
 * @example await headFingerprint(sql, md, refSnapshot(md), schema)
 */
export async function headFingerprint(
  sql: SqlRunner,
  md: Parameters<typeof refSnapshot>[0],
  head: NonNullable<ReturnType<typeof refSnapshot>>,
  schema: Pick<IcebergSchema, 'fields'>,
): Promise<string | undefined> {
  const recorded = head.summary?.[FINGERPRINT_PROPERTY];
  if (recorded) return recorded;
  const files = await liveFiles(md, 'main');
  if (files.some((f) => f.file.content !== 0)) return undefined;
  try {
    return await contentFingerprint(sql, parquetRowsSql(await localCopies(files.map((f) => f.file.filePath))), schema);
  } catch {
    return undefined;
  }
}
