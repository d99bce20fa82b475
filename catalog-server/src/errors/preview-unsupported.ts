import { RatError } from './rat-error.ts';

/**
 * The data preview or the row diff cannot read this table's files as a reader would (data or delete files that are
 * not Parquet, deletion vectors aside). `reader` names which one refused.
 */
export class PreviewUnsupportedError extends RatError {
  readonly code = 'PREVIEW_UNSUPPORTED' as const;

  constructor(table: string, format: string, path: string, reader: 'preview' | 'row diff' = 'preview') {
    super(
      `The ${reader} reads Parquet data and delete files (and deletion vectors) only; "${table}" has a ${format} file (${path}). ` +
        'Read the table with an Iceberg client (PyIceberg, Spark, DuckDB) instead.',
      { table, format, path },
    );
  }
}
