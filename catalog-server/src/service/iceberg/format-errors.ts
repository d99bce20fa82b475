import { IcebergFormatError } from '@ratatouille/iceberg';
import {
  BadRequestError,
  CommitFailedError,
  InvalidArgumentError,
  UnknownUpdateActionError,
} from '../../errors/index.ts';

/**
 * Turns the pure library's errors into the catalog's typed errors: a failed requirement or stale snapshot is a
 * 409 CommitFailedException, an unknown action its own 400, a value the format forbids a 400
 * IllegalArgumentException (as Java's library raises it), any other invalid update or metadata a 400.
 */
export function toCatalogError(err: unknown): unknown {
  if (!(err instanceof IcebergFormatError)) return err;
  switch (err.kind) {
    case 'commit-conflict':
      return new CommitFailedError(err.message, err.data);
    case 'unknown-action':
      return new UnknownUpdateActionError(err.message, err.data);
    case 'invalid-argument':
      return new InvalidArgumentError(err.message, err.data);
    case 'invalid-request':
    case 'invalid-metadata':
      return new BadRequestError(err.message, err.data);
  }
}

/** Runs `fn`, rethrowing library errors as catalog errors. */
export function translated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toCatalogError(err);
  }
}
