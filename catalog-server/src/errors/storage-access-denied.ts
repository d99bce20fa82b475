import { RatError } from './rat-error.ts';

/**
 * The object store refused the catalog's own credentials (wrong keys, expired token, missing permission). Nothing was
 * changed; the server's storage settings need fixing, not the request.
 */
export class StorageAccessDeniedError extends RatError {
  readonly code = 'STORAGE_ACCESS_DENIED' as const;

  constructor(
    message: string,
    data: { warehouse: string; operation: string; s3Code?: string } & Record<string, unknown>,
  ) {
    super(message, data);
  }
}
