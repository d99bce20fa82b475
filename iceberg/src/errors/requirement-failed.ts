import { IcebergFormatError } from './iceberg-format-error.ts';

/**
 * The table is not in the state the writer based its change on (a requirement does not hold, or an added snapshot is
 * older than the table's last sequence number). Clients refresh and retry.
 */
export class RequirementFailedError extends IcebergFormatError {
  readonly kind = 'commit-conflict' as const;
}
