/** Base of the engine's typed errors: a literal `code`, structured `data`, a message with a remedy. */
export class EngineError<C extends string = string, D = Record<string, unknown>> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly data: D,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A SQL result does not fit the existing table schema (and evolution is not allowed or not possible). */
export class SchemaMismatchError extends EngineError<'SCHEMA_MISMATCH', { table: string; column: string }> {
  constructor(table: string, column: string, why: string) {
    super(
      'SCHEMA_MISMATCH',
      `Column ${column} of ${table}: ${why}. Cast it in the SQL, or set on_schema_change: append_new_columns ` +
        '(or sync_all_columns, which also drops the columns the result no longer has) in the model config.',
      { table, column },
    );
  }
}

/** A type the engine cannot map between SQL and Iceberg. */
export class UnsupportedTypeError extends EngineError<'UNSUPPORTED_TYPE', { type: string }> {
  constructor(type: string, where: string) {
    super(
      'UNSUPPORTED_TYPE',
      `Type ${type} (${where}) is not supported by the engine yet; cast it to a primitive type.`,
      {
        type,
      },
    );
  }
}

/** The table's location is on storage the engine cannot write to. */
export class UnsupportedLocationError extends EngineError<'UNSUPPORTED_LOCATION', { location: string }> {
  constructor(location: string) {
    super(
      'UNSUPPORTED_LOCATION',
      `Location ${location} is neither file:// nor s3://; the engine reads and writes local and S3 storage only.`,
      {
        location,
      },
    );
  }
}

/** The table changed under a commit in a way a rebase cannot fix (e.g. files to replace were removed). */
export class CommitConflictError extends EngineError<'COMMIT_CONFLICT', { table: string; attempts: number }> {
  constructor(table: string, attempts: number, why: string) {
    super('COMMIT_CONFLICT', `Commit to ${table} failed after ${attempts} attempt(s): ${why}. Re-run the step.`, {
      table,
      attempts,
    });
  }
}

/** A partition expression the engine does not know (`day(ts)`, `bucket(16, id)`, `truncate(4, s)`, `col`). */
export class InvalidPartitionError extends EngineError<'INVALID_PARTITION', { expression: string }> {
  constructor(expression: string, why: string) {
    super('INVALID_PARTITION', `Partition expression ${expression}: ${why}`, { expression });
  }
}

/** S3 or the catalog could not serve a file (missing object, refused keys, unreachable endpoint). */
export class StorageError extends EngineError<
  'STORAGE_ERROR',
  { location: string; operation: string; s3Code?: string }
> {
  constructor(location: string, operation: string, cause: unknown) {
    const s3Code = (cause as { name?: string; Code?: string })?.Code ?? (cause as { name?: string })?.name;
    super(
      'STORAGE_ERROR',
      `${operation} ${location} failed (${s3Code ?? 'error'}): ${(cause as Error)?.message ?? String(cause)}. ` +
        ((cause as { code?: string })?.code === 'S3_SIGN_FAILED'
          ? "The catalog signs this table's S3 requests (remote signing): check that the engine's catalog client " +
            '(RAT_CLIENT_ID/RAT_CLIENT_SECRET or RAT_TOKEN) may read the branch, and write it for uploads.'
          : 'Check the S3 endpoint and keys (the catalog vends them for tables; landing prefixes use the AWS_* variables).'),
      { location, operation, s3Code },
    );
  }
}

/**
 * A create-only upload found a different object under its name (S3 answered 412 to `If-None-Match: *`, and the object
 * there differs in size or bytes). The engine never replaces a file, since other branches may read it; an identical
 * object is not an error (it is a retried upload that had landed).
 */
export class FileCollisionError extends EngineError<
  'FILE_COLLISION',
  { location: string; size: number; existingSize?: number }
> {
  constructor(location: string, size: number, existingSize?: number) {
    super(
      'FILE_COLLISION',
      `Uploading ${location} (${size} bytes): a different object` +
        `${existingSize === undefined ? '' : ` (${existingSize} bytes)`} already has this name, and files are never ` +
        'replaced (writes are create-only: other branches may read it). Nothing was overwritten and nothing was ' +
        'committed. The engine names new files with a UUID, so another writer chose the same name: re-run the step.',
      { location, size, ...(existingSize === undefined ? {} : { existingSize }) },
    );
  }
}

/**
 * A model's SQL failed in the SQL engine. `data.line` and `data.column` point into the model file (past its header
 * and through its `{{ ref() }}` templates), not into the statement the engine built around the model's SELECT.
 */
export class ModelSqlError extends EngineError<
  'MODEL_SQL_ERROR',
  { model: string; file: string; line: number; column?: number; detail: string }
> {
  constructor(data: { model: string; file: string; line: number; column?: number; detail: string }, excerpt = '') {
    const where = `${data.file}:${data.line}${data.column === undefined ? '' : `:${data.column}`}`;
    super('MODEL_SQL_ERROR', `${where}: ${data.detail}${excerpt}`, data);
  }
}

/** How a model's result differs from its contract's columns: one missing, extra, or of another type. */
export interface ContractMismatch {
  column: string;
  /** The contract's type (normalized by DuckDB); absent for a column the contract does not declare. */
  declared?: string;
  /** The result's type; absent for a declared column the result lacks. */
  actual?: string;
}

/**
 * A model's result breaks its enforced contract (dbt's): columns or types other than declared, or a null in a
 * `not_null` column. Nothing was committed.
 */
export class ContractViolationError extends EngineError<
  'CONTRACT_VIOLATION',
  { model: string; mismatches: ContractMismatch[]; nullColumns: string[] }
> {
  constructor(model: string, data: { mismatches?: ContractMismatch[]; nullColumns?: Record<string, number> }) {
    const lines = [
      ...(data.mismatches ?? []).map(
        (m) =>
          `  ${m.column}: ${m.declared ? `declared ${m.declared}` : 'not declared'}, ${m.actual ?? 'missing'} in the result`,
      ),
      ...Object.entries(data.nullColumns ?? {}).map(([c, n]) => `  ${c}: not_null, ${n} null value(s) in the result`),
    ];
    super(
      'CONTRACT_VIOLATION',
      `${model} breaks its contract; nothing was written:\n${lines.join('\n')}\n` +
        'Change the SELECT (cast a column to its declared type, filter or fill its nulls) or the contract.',
      { model, mismatches: data.mismatches ?? [], nullColumns: Object.keys(data.nullColumns ?? {}) },
    );
  }
}
