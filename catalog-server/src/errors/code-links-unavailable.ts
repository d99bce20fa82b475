import { RatError } from './rat-error.ts';

/** The server was composed without a code-link store (an in-memory app in a test, say). */
export class CodeLinksUnavailableError extends RatError {
  readonly code = 'CODE_LINKS_UNAVAILABLE' as const;

  constructor() {
    super('This server has no code-link store; start it with `rat serve` (SQLite) to use git lockstep.');
  }
}
