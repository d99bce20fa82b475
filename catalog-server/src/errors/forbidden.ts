import { RatError } from './rat-error.ts';

/**
 * An authenticated caller without the permission a request needs. `data.permission` names it (read, write, merge,
 * admin), `data.ref` the reference (null: every reference), `data.reason` is `protected` for a direct commit to a
 * protected branch.
 */
export class ForbiddenError extends RatError {
  readonly code = 'FORBIDDEN' as const;

  constructor(principal: string, permission: string, ref: string | null, reason: 'missing-permission' | 'protected') {
    const where = ref === null ? 'every reference' : `"${ref}"`;
    super(
      reason === 'protected'
        ? `${where} is a protected branch: direct commits are refused. Commit on another branch and merge it (needs "merge" on ${where}).`
        : `"${principal}" lacks the "${permission}" permission on ${where}. Ask for a role that allows it in the auth config.`,
      { principal, permission, ref, reason },
    );
  }
}
