import { IcebergFormatError } from './iceberg-format-error.ts';

/** A metadata JSON document that is not valid Iceberg table or view metadata. */
export class InvalidMetadataError extends IcebergFormatError {
  readonly kind = 'invalid-metadata' as const;
}
