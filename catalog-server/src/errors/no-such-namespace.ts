import { RatError } from './rat-error.ts';

/**
 * A namespace that does not exist at the reference read. The message starts "Namespace does not exist: db.sales" as
 * Iceberg clients expect; `bare` leaves the rest out where Iceberg's catalog suites compare the whole message
 * (listing the children of a missing namespace).
 */
export class NoSuchNamespaceError extends RatError {
  readonly code = 'NAMESPACE_NOT_FOUND' as const;

  constructor(namespace: readonly string[], ref: string, opts: { bare?: boolean } = {}) {
    const head = `Namespace does not exist: ${namespace.join('.')}`;
    super(opts.bare ? head : `${head} (on "${ref}"). Create it first (POST .../v1/namespaces).`, { namespace, ref });
  }
}
