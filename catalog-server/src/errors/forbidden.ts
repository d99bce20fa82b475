import { RatError } from './rat-error.ts';

/**
 * An authenticated caller without the permission a request needs. `data.permission` names it (read, write, merge,
 * admin), `data.ref` the reference (null: every reference), `data.reason` is `protected` for a direct commit to a
 * protected branch, `not-on-ref` for a `ref@hash` read whose commit is not on `ref`'s history, `chooses-location` for a
 * namespace-restricted writer choosing where files go (see http/auth/location-choice.ts); `data.namespace` the
 * dotted namespace refused, when the request acted on one (namespace-restricted rules).
 */
export class ForbiddenError extends RatError {
  readonly code = 'FORBIDDEN' as const;

  constructor(
    principal: string,
    permission: string,
    ref: string | null,
    reason: 'missing-permission' | 'protected' | 'not-on-ref' | 'chooses-location',
    /** For `not-on-ref`: the reference and the commit the request named as `ref@hash`. */
    pinned?: { ref: string | null; at?: string },
    /** The dotted name of the namespace the caller may not act on (absent: the whole reference). */
    namespace?: string,
  ) {
    const onRef = ref === null ? 'every reference' : `"${ref}"`;
    const where = namespace === undefined ? onRef : `namespace "${namespace}" of ${onRef}`;
    super(
      reason === 'protected'
        ? `${onRef} is a protected branch: direct commits are refused. Commit on another branch and merge it (needs "merge" on ${onRef}).`
        : reason === 'chooses-location'
          ? `Choosing where files go (a table's or view's location, a write path, a namespace's location, registering a metadata file) needs "write" on all of ${onRef}: "${principal}" may write only some of its namespaces. Leave the location out and the catalog places the files.`
          : reason === 'not-on-ref'
            ? `Commit ${pinned?.at ?? '?'} is not on the history of "${pinned?.ref ?? '?'}"; reading a commit by hash outside the references "${principal}" may read needs "read" on every reference.`
            : `"${principal}" lacks the "${permission}" permission on ${where}. Ask for a role that allows it in the auth config.`,
      {
        principal,
        permission,
        ref,
        reason,
        ...(pinned ? { pinnedRef: pinned.ref, commit: pinned.at } : {}),
        ...(namespace === undefined ? {} : { namespace }),
      },
    );
  }
}
