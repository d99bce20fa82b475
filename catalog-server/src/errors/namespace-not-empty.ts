import { RatError } from './rat-error.ts';

/** Dropping a namespace that still holds tables, views or child namespaces. */
export class NamespaceNotEmptyError extends RatError {
  readonly code = 'NAMESPACE_NOT_EMPTY' as const;

  constructor(namespace: readonly string[], ref: string, sample: string) {
    super(
      `Namespace "${namespace.join('.')}" on "${ref}" is not empty (it holds "${sample}"). Drop its contents first.`,
      {
        namespace,
        ref,
      },
    );
  }
}
