import { RatError } from './rat-error.ts';

/**
 * A value the Iceberg format forbids (e.g. two SQL queries for one dialect in a view version). Answered as 400 with
 * type `IllegalArgumentException`, which Iceberg's Java client turns back into that exception, as it does for the
 * reference catalog.
 */
export class InvalidArgumentError extends RatError {
  readonly code = 'INVALID_ARGUMENT' as const;
}
