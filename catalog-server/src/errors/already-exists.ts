import { RatError } from './rat-error.ts';

/** Creating (or renaming to) a namespace, table or view whose name is taken. */
export class AlreadyExistsError extends RatError {
  readonly code = 'ALREADY_EXISTS' as const;
  readonly status = 409;
  readonly icebergType = 'AlreadyExistsException';
  readonly nessieErrorCode = 'CONTENT_ALREADY_EXISTS';

  constructor(kind: 'namespace' | 'table' | 'view', name: string, ref: string, existingKind?: string) {
    const what = existingKind && existingKind !== kind ? `a ${existingKind}` : `${kind}`;
    super(
      `Cannot create ${kind} "${name}" on "${ref}": ${what} with that name already exists. Pick another name or drop it first.`,
      {
        kind,
        name,
        ref,
      },
    );
  }
}
