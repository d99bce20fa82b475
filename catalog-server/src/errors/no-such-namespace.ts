import { RatError } from './rat-error.ts';

/** A namespace that does not exist at the reference read. */
export class NoSuchNamespaceError extends RatError {
  readonly code = 'NAMESPACE_NOT_FOUND' as const;
  readonly status = 404;
  readonly icebergType = 'NoSuchNamespaceException';
  readonly nessieErrorCode = 'NAMESPACE_NOT_FOUND';

  constructor(namespace: readonly string[], ref: string) {
    super(`Namespace "${namespace.join('.')}" does not exist on "${ref}". Create it first (POST .../v1/namespaces).`, {
      namespace,
      ref,
    });
  }
}
