import { RatError } from './rat-error.ts';

/**
 * A table that does not exist at the reference read (also when its namespace is missing, as Spark expects). The
 * message starts "Table does not exist: ns.t" as Iceberg clients expect.
 */
export class NoSuchTableError extends RatError {
  readonly code = 'TABLE_NOT_FOUND' as const;

  constructor(name: string, ref: string) {
    super(`Table does not exist: ${name} (on "${ref}"). Check the name and the branch in the catalog URL.`, {
      name,
      ref,
    });
  }
}
