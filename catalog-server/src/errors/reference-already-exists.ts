import { RatError } from './rat-error.ts';

/** Creating a branch or tag whose name is taken. */
export class ReferenceAlreadyExistsError extends RatError {
  readonly code = 'REFERENCE_ALREADY_EXISTS' as const;

  constructor(name: string) {
    super(`Reference "${name}" already exists. Pick another name or delete it first.`, { name });
  }
}
