import { RatError } from './rat-error.ts';

/** A branch or tag name that git would not accept either. */
export class InvalidReferenceNameError extends RatError {
  readonly code = 'INVALID_REFERENCE_NAME' as const;

  constructor(name: string, reason: string) {
    super(`Invalid reference name "${name}": ${reason}. Use names git accepts, e.g. "main" or "feature/x".`, {
      name,
      reason,
    });
  }
}
