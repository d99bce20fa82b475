import { RatError } from './rat-error.ts';

/** A request body in a content type (or character set) the endpoint does not read; `data.expected` names the one it does. */
export class UnsupportedMediaTypeError extends RatError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE' as const;

  constructor(received: string, expected = 'application/json') {
    super(`Content-Type "${received}" is not supported here: send the body as ${expected}.`, { received, expected });
  }
}
