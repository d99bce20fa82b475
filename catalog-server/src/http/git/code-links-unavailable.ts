import { RatError } from '../../errors/rat-error.ts';

/** The server was composed without a code-link store (an in-memory app in a test, say). */
export class CodeLinksUnavailableError extends RatError {
  readonly code = 'CODE_LINKS_UNAVAILABLE' as const;
  readonly status = 501;
  readonly icebergType = 'UnsupportedOperationException';
  readonly nessieErrorCode = 'UNSUPPORTED_MEDIA_TYPE';

  constructor() {
    super('This server has no code-link store; start it with `rat serve` (SQLite) to use git lockstep.');
  }
}
