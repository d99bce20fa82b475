import { RatError } from './rat-error.ts';

/** A request body larger than the server accepts (`LIMITS.requestBodyBytes`); 413 on both APIs. */
export class RequestTooLargeError extends RatError {
  readonly code = 'REQUEST_TOO_LARGE' as const;

  constructor(maxBytes: number) {
    super(`Request body too large: the limit is ${maxBytes} bytes.`, { limit: 'requestBodyBytes', max: maxBytes });
  }
}
