import { RatError } from './rat-error.ts';

/** A request whose signature or token does not verify. */
export class UnauthorizedError extends RatError {
  readonly code = 'UNAUTHORIZED' as const;
}
