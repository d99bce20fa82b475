import { RatError } from './rat-error.ts';

/** A path the API serves, asked with a method it does not take there; `data.allow` lists the ones it does. */
export class MethodNotAllowedError extends RatError {
  readonly code = 'METHOD_NOT_ALLOWED' as const;

  constructor(method: string, allow: readonly string[]) {
    super(`${method} is not allowed on this path; it takes ${allow.join(', ')}.`, { method, allow: [...allow] });
  }
}
