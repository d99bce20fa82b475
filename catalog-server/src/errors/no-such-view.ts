import { RatError } from './rat-error.ts';

/** A view that does not exist at the reference read. */
export class NoSuchViewError extends RatError {
  readonly code = 'VIEW_NOT_FOUND' as const;

  constructor(name: string, ref: string) {
    super(`View does not exist: ${name} (on "${ref}"). Check the name and the branch in the catalog URL.`, {
      name,
      ref,
    });
  }
}
