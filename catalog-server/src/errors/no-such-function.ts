import { RatError } from './rat-error.ts';

/** A function (UDF) that does not exist at the reference read. */
export class NoSuchFunctionError extends RatError {
  readonly code = 'FUNCTION_NOT_FOUND' as const;

  constructor(name: string, ref: string) {
    super(`Function does not exist: ${name} (on "${ref}"). Check the name and the branch in the catalog URL.`, {
      name,
      ref,
    });
  }
}
