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
      conflicts?: ReadonlyArray<{
        key: { elements: string[] };
        conflictType: string;
        message: string;
        kinds?: string[];
      }>;
    } & Record<string, unknown> = {},
  ) {
    super(message, data);
  }

  /**
   * The expected hash of a write is neither the head of `branch` nor reachable from it. One answer for the store and
   * for the authorization step, which gives it for a hash off the history of a reference the caller may write, but
   * cannot look up on the others (see http/auth/middleware.ts).
   */
  static expectedNotInHistory(branch: string, expected: string, head: string): ReferenceConflictError {
    return new ReferenceConflictError(
      `Expected hash ${expected} is not in the history of "${branch}" (now at ${head}). Reload and retry.`,
      { ref: branch, expectedHash: expected, currentHash: head },
    );
  }
}
