import { RatError } from './rat-error.ts';

/**
 * A table or view commit whose requirements do not hold against the current state (someone else changed the table
 * in a way the writer did not expect). Clients refresh the table and retry; nothing was written.
 */
export class CommitFailedError extends RatError {
  readonly code = 'COMMIT_FAILED' as const;
}
