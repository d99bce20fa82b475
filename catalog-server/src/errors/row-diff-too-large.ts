import { RatError } from './rat-error.ts';

/**
 * A row diff that would read more rows than the server compares in one request: the versions differ in too many
 * files (or carry too many delete rows). A 422: the request is right, the work is refused before any file is read.
 */
export class RowDiffTooLargeError extends RatError {
  readonly code = 'ROW_DIFF_TOO_LARGE' as const;

  constructor(table: string, rows: number, max: number) {
    super(
      `Comparing the rows of "${table}" would read ${rows} rows of the files that differ; the server compares at most ` +
        `${max}. Compare the two versions with an engine (e.g. a Spark or DuckDB query with EXCEPT ALL) instead.`,
      { table, rows, max },
    );
  }
}
