/** A column of a query result: name and the engine's SQL type (DuckDB spelling, e.g. `DECIMAL(10,2)`). */
export interface SqlColumn {
  name: string;
  type: string;
}

/** Result rows with JSON-safe values: big integers and decimals as strings, dates/timestamps as ISO-like strings. */
export type SqlRow = Record<string, unknown>;

/**
 * The engine's only door to a SQL engine. The DuckDB implementation (`duckdb-runner.ts`) is the only file that
 * imports DuckDB; everything else speaks this interface.
 *
 * @example const rows = await sql.query('SELECT 1 AS one') // [{ one: 1 }]
 */
export interface SqlRunner {
  /** Runs statements for their effect. */
  exec(sql: string): Promise<void>;
  /** Runs one query and returns all rows. */
  query(sql: string): Promise<SqlRow[]>;
  /** Column names and types of a query without running it to completion. */
  describe(sql: string): Promise<SqlColumn[]>;
  close(): Promise<void>;
}

/** Quotes an identifier for SQL: `a"b` → `"a""b"`. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for SQL. */
export function lit(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
