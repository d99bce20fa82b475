import { RatError } from './rat-error.ts';

/** A branch, tag or commit hash that does not exist. */
export class NoSuchReferenceError extends RatError {
  readonly code = 'REFERENCE_NOT_FOUND' as const;
  readonly status = 404;
  readonly icebergType = 'NoSuchReferenceException';
  readonly nessieErrorCode = 'REFERENCE_NOT_FOUND';

  constructor(ref: string) {
    super(`Reference "${ref}" does not exist. List references with GET /api/v2/trees or ` + '`rat branch list`.', {
      ref,
    });
  }
}
