import { RatError } from './rat-error.ts';

type Kind = 'namespace' | 'table' | 'view';
const capitalized = (k: string) => k.charAt(0).toUpperCase() + k.slice(1);

/**
 * Creating (or renaming to) a namespace, table or view whose name is taken. The message starts with the wording Iceberg
 * clients match on ("Table already exists: ns.t", "View with same name already exists: ns.v" when the name is taken
 * by the other kind, "Cannot rename ns.a to ns.b. Table already exists"); the branch and the remedy follow.
 */
export class AlreadyExistsError extends RatError {
  readonly code = 'ALREADY_EXISTS' as const;

  constructor(kind: Kind, name: string, ref: string, existingKind?: string, renamedFrom?: string) {
    const existing = existingKind ?? kind;
    const head = renamedFrom
      ? `Cannot rename ${renamedFrom} to ${name}. ${capitalized(existing)} already exists`
      : existing === kind
        ? `${capitalized(kind)} already exists: ${name}`
        : `${capitalized(existing)} with same name already exists: ${name}`;
    super(`${head} (on "${ref}"). Pick another name or drop it first.`, { kind, name, ref, existingKind: existing });
  }
}
