/**
 * An `/api/v2` error response (Nessie's `status`/`errorCode` fields), or a transport failure (`status` 0, whose
 * `cause` says why no answer came: `ECONNREFUSED`, `ENOTFOUND`, a timeout).
 */
export class ManagementApiError extends Error {
  readonly code = 'MANAGEMENT_API_ERROR' as const;
  constructor(
    readonly status: number,
    /** Nessie's `errorCode`: `REFERENCE_NOT_FOUND`, `REFERENCE_CONFLICT`, `REFERENCE_ALREADY_EXISTS`, `BAD_REQUEST`… */
    readonly errorCode: string,
    message: string,
    readonly method: string,
    readonly url: string,
    /** Nessie's `errorDetails` (e.g. `{ conflicts: [...] }` on a merge conflict), when present. */
    readonly details: unknown = null,
    /**
     * The catalog's own, finer code (`READ_ONLY_REFERENCE`, `LOCATION_NOT_ALLOWED`, …) where Nessie's `errorCode`
     * says only `BAD_REQUEST`; absent from servers that do not send it.
     */
    readonly catalogCode?: string,
  ) {
    super(`${method} ${url} → ${status} ${errorCode}: ${message}`);
    this.name = 'ManagementApiError';
  }
  get isConflict(): boolean {
    return this.status === 409;
  }
  get isNotFound(): boolean {
    return this.status === 404;
  }
}
