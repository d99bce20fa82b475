import { RatError } from './rat-error.ts';

/**
 * The catalog database could not be reached (refused, restarting, out of connections, no connection free in time) or
 * the connection was lost before a write was committed. Nothing was applied, so the client may retry once the database
 * is back. Not used when a connection is lost while a commit is being committed: that outcome is unknown (a 500).
 */
export class StoreUnavailableError extends RatError {
  readonly code = 'STORE_UNAVAILABLE' as const;

  constructor(reason: string) {
    super(`The catalog database is unavailable (${reason}); nothing was changed, retry shortly.`, { reason });
  }
}
