import { RatError } from './rat-error.ts';

/**
 * An authenticated caller without the permission a request needs. `data.permission` names it (read, write, merge,
 * admin), `data.ref` the reference (null: every reference), `data.reason` is `protected` for a direct commit to a
 * protected branch, `not-on-ref` for a `ref@hash` read whose commit is not on `ref`'s history; `data.namespace` the
 * dotted namespace refused, when the request acted on one (namespace-restricted rules).
 */
export class ForbiddenError extends RatError {
  readonly code = 'FORBIDDEN' as const;

  constructor(
    principal: string,
    permission: string,
    ref: string | null,
    reason: 'missing-permission' | 'protected' | 'not-on-ref',
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
