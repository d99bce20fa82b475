import { RatError } from './rat-error.ts';

/** A write aimed at a tag or at a point in the past (`ref@hash`, `ref*time`), which are read-only. */
export class ReadOnlyReferenceError extends RatError {
  readonly code = 'READ_ONLY_REFERENCE' as const;

  constructor(refSpec: string) {
    super(`"${refSpec}" is read-only (a tag or a point in history). Write to a branch instead.`, { ref: refSpec });
  }
}
