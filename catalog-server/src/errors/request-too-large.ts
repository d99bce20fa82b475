import { RatError } from './rat-error.ts';

/**
 * A request body larger than its route accepts: `LIMITS.requestBodyBytes` on the JSON APIs, less on the token endpoint
 * and the webhooks; `maxBytes` is the limit that applied. 413 everywhere.
 */
export class RequestTooLargeError extends RatError {
  readonly code = 'REQUEST_TOO_LARGE' as const;

  constructor(maxBytes: number) {
    super(`Request body too large: the limit is ${maxBytes} bytes.`, { limit: 'requestBodyBytes', max: maxBytes });
  }
}
