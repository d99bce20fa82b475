import { RatError } from './rat-error.ts';

/**
 * The server was composed without a record of released tables (an in-memory app in a test, say): unregistering there
 * would leave a later GC free to collect files another catalog then owns.
 */
export class ReleasedTablesUnavailableError extends RatError {
  readonly code = 'RELEASED_TABLES_UNAVAILABLE' as const;

  constructor() {
    super('This server keeps no record of released tables; start it with `rat serve` to unregister tables.');
  }
}
