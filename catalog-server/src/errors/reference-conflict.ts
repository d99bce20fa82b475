import { RatError } from './rat-error.ts';

/**
 * The reference moved since the expected hash and the change cannot be applied on top: the expected hash no longer
 * holds, or keys touched here were changed concurrently, or a merge/transplant met conflicting changes.
 */
export class ReferenceConflictError extends RatError {
  readonly code = 'REFERENCE_CONFLICT' as const;

  constructor(
    message: string,
    data: {
      conflicts?: ReadonlyArray<{ key: { elements: string[] }; conflictType: string; message: string }>;
    } & Record<string, unknown> = {},
  ) {
    super(message, data);
  }
}
