import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { SqlColumn, SqlRow, SqlRunner } from './sql-runner.ts';
import { parseDuckDbError, SqlError } from './sql-error.ts';

export { SqlError };

/** {@link SqlRunner} on an in-process DuckDB (in memory unless `path` is given). */
export class DuckDbRunner implements SqlRunner {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  /**
   * Opens an in-process DuckDB. With `memoryLimit` (DuckDB's `memory_limit`, e.g. `4GB`) operators larger than the
   * budget spill to `tempDirectory`, and results without ORDER BY may come out in any order (DuckDB's
   * `preserve_insertion_order = false`: keeping the order makes a COPY hold rows back in memory).
   *
   * @example const sql = await DuckDbRunner.open({ memoryLimit: '2GB', tempDirectory: '/tmp/run-1' }); await sql.query('SELECT 42 AS x')
   */
  static async open(
    opts: { path?: string; threads?: number; memoryLimit?: string; tempDirectory?: string } = {},
  ): Promise<DuckDbRunner> {
    const config: Record<string, string> = {};
    if (opts.threads) config.threads = String(opts.threads);
    if (opts.memoryLimit) {
      config.memory_limit = opts.memoryLimit;
      config.preserve_insertion_order = 'false';
    }
    if (opts.tempDirectory) config.temp_directory = opts.tempDirectory;
    // Loaded on first use: its native library takes ~0.3 s to load, which every `rat` command that imports the engine
    // without running SQL (`rat runs`, `rat run --dry-run`, `rat --help`) would otherwise pay.
    // Through `default` (the package's exports object), which Node's import of CommonJS and the bundle's both give.
    const { DuckDBInstance } = (await import('@duckdb/node-api')).default;
    const instance = await DuckDBInstance.create(opts.path ?? ':memory:', config);
    const conn = await instance.connect();
    // Errors as JSON carry the offset DuckDB blames, which a model's error maps back to its file and line.
    await conn.run('SET errors_as_json = true');
    return new DuckDbRunner(instance, conn);
  }

  private async run(sql: string) {
    try {
      return await this.conn.runAndReadAll(sql);
    } catch (err) {
      const e = parseDuckDbError((err as Error).message);
      throw new SqlError(e.message, sql, e.position);
    }
  }

  async exec(sql: string): Promise<void> {
    await this.run(sql);
  }

  async query(sql: string): Promise<SqlRow[]> {
    const reader = await this.run(sql);
    return reader.getRowObjectsJson() as SqlRow[];
  }

  async describe(sql: string): Promise<SqlColumn[]> {
    const reader = await this.run(`DESCRIBE ${sql}`);
    return (reader.getRowObjectsJson() as { column_name: string; column_type: string }[]).map((r) => ({
      name: r.column_name,
      type: r.column_type,
    }));
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
