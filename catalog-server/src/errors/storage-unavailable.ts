import { RatError } from './rat-error.ts';

/**
 * The warehouse's object store could not be used: unreachable, its bucket missing, or it answered with an error. The
 * operation was not applied and the catalog state is unchanged, so the client may retry once storage is back.
 */
export class StorageUnavailableError extends RatError {
  readonly code = 'STORAGE_UNAVAILABLE' as const;

  constructor(
    message: string,
    data: { warehouse: string; operation: string; reason: string; s3Code?: string } & Record<string, unknown>,
  ) {
    super(message, data);
  }
}
