import { GitSyncError } from './git-sync-error.ts';

/**
 * The catalog answered with an error; `status` and the server's `errorCode` say which, and `catalogCode` the finer
 * code our server sends where Nessie's says only `BAD_REQUEST` (e.g. `COMMIT_NOT_ON_REFERENCE`).
 */
export class CatalogRequestFailedError extends GitSyncError {
  readonly code = 'CATALOG_REQUEST_FAILED' as const;
  readonly status: number;
  readonly errorCode: string;
  readonly catalogCode?: string;

  constructor(
    method: string,
    url: string,
    status: number,
    errorCode: string,
    serverMessage: string,
    catalogCode?: string,
  ) {
    super(`${method} ${url} failed with ${status} ${errorCode}: ${serverMessage}`, {
      method,
      url,
      status,
      errorCode,
      ...(catalogCode ? { catalogCode } : {}),
    });
    this.status = status;
    this.errorCode = errorCode;
    this.catalogCode = catalogCode;
  }
}
