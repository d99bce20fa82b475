import { ContractViolationError } from '../errors/engine-error.ts';
import { ident, lit, type SqlRunner } from '../sql/sql-runner.ts';
import { columnStatistics, type StatsRow, type WrittenFiles } from './data-files.ts';

/**
 * Null values per column in the files one COPY wrote, from COPY's own statistics; a column they do not cover (no
 * `null_count`) is counted by reading the files (absent from the map when it has none).
 */
export async function nullCounts(sql: SqlRunner, stats: StatsRow[], columns: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const uncovered = new Set<string>();
  for (const row of stats) {
    if (Number(row.count) === 0) continue;
    const byColumn = columnStatistics(row);
    for (const column of columns) {
      const n = byColumn.get(column)?.null_count;
      if (n === undefined || n === null) uncovered.add(column);
      else if (Number(n) > 0) out.set(column, (out.get(column) ?? 0) + Number(n));
    }
  }
  if (uncovered.size) {
    const files = stats.filter((r) => Number(r.count) > 0).map((r) => lit(r.filename));
    const counts = [...uncovered].map((c) => `count(*) FILTER (WHERE ${ident(c)} IS NULL) AS ${ident(c)}`);
    const [row] = await sql.query(`SELECT ${counts.join(', ')} FROM read_parquet([${files.join(', ')}])`);
    for (const c of uncovered) {
      out.delete(c);
      if (Number(row?.[c] ?? 0) > 0) out.set(c, Number(row![c]));
    }
  }
  return out;
}

/**
 * A contract's `not_null` columns checked on the files just written, before they are published or committed: with a
 * null in any, the files are deleted and the write fails with `CONTRACT_VIOLATION` (one read of the statistics, not
 * of the rows).
 */
export async function requireNoNulls(
  sql: SqlRunner,
  table: string,
  written: WrittenFiles,
  columns: string[],
): Promise<void> {
  if (columns.length === 0) return;
  const nulls = await nullCounts(sql, written.stats, columns);
  if (nulls.size === 0) return;
  await written.discard();
  throw new ContractViolationError(table, { nullColumns: Object.fromEntries(nulls) });
}
