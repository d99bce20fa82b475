import { RatError } from './rat-error.ts';

/** Creating a branch or tag whose name is taken. */
export class ReferenceAlreadyExistsError extends RatError {
  readonly code = 'REFERENCE_ALREADY_EXISTS' as const;
  readonly status = 409;
  readonly icebergType = 'AlreadyExistsException';
  readonly nessieErrorCode = 'REFERENCE_ALREADY_EXISTS';

  constructor(name: string) {
    super(`Reference "${name}" already exists. Pick another name or delete it first.`, { name });
  }
}
