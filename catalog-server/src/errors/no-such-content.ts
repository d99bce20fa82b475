import { RatError } from './rat-error.ts';

/** No content exists under a key at the given reference. */
export class NoSuchContentError extends RatError {
  readonly code = 'CONTENT_NOT_FOUND' as const;

  constructor(key: string, ref: string) {
    super(`No content "${key}" at reference "${ref}".`, { key, ref });
  }
}
