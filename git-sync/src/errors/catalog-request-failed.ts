import { GitSyncError } from './git-sync-error.ts';

/** The catalog answered with an error; `status` and the server's `errorCode` say which. */
export class CatalogRequestFailedError extends GitSyncError {
  readonly code = 'CATALOG_REQUEST_FAILED' as const;
  readonly status: number;
  readonly errorCode: string;

  constructor(method: string, url: string, status: number, errorCode: string, serverMessage: string) {
    super(`${method} ${url} failed with ${status} ${errorCode}: ${serverMessage}`, {
      method,
      url,
      status,
      errorCode,
    });
    this.status = status;
    this.errorCode = errorCode;
  }
}
