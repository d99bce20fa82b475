import { IcebergFormatError } from './iceberg-format-error.ts';

/** An update that can never apply to this table (unknown schema id, removing the current schema, ...). */
export class InvalidUpdateError extends IcebergFormatError {
  readonly kind = 'invalid-request' as const;
}
