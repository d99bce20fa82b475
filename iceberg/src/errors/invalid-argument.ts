import { IcebergFormatError } from './iceberg-format-error.ts';

/**
 * A value the format forbids inside an otherwise well-formed update (two SQL queries for one dialect in a view
 * version). Iceberg's Java library raises IllegalArgumentException for these, and Java clients expect that type back.
 */
export class InvalidArgumentError extends IcebergFormatError {
  readonly kind = 'invalid-argument' as const;
}
