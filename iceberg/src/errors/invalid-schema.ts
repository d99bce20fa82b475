import { IcebergFormatError } from './iceberg-format-error.ts';

/**
 * A schema, partition spec or sort order that Iceberg readers could not use (unknown type, duplicate field id,
 * partition on a missing column, ...). `data.problems` lists every problem found, each with the JSON path it is at.
 */
export class InvalidSchemaError extends IcebergFormatError {
  readonly kind = 'invalid-request' as const;

  constructor(what: string, problems: readonly string[]) {
    super(`Invalid ${what}: ${problems.join('; ')}`, { problems: [...problems] });
  }
}
