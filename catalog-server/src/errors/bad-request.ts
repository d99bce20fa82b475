import { RatError } from './rat-error.ts';

/** The request is malformed or names something invalid; the message says which field and why. */
export class BadRequestError extends RatError {
  readonly code = 'BAD_REQUEST' as const;
}
