import type { ManagementClient, RevertResponse } from '@ratatouille/catalog-client';
import { RatError } from '../errors.ts';
import { keyText, short } from '../management.ts';

/**
 * Undoes commit `hash` of `branch`'s history with one new commit, planned and committed by the server
 * (`POST /trees/{branch}@{head}/history/revert`) on the head read first (or `expect`), so a commit that changes the
 * same keys meanwhile makes this one a conflict rather than undoing what it did. Keys the branch changed after the
 * commit are a conflict (exit code 2) and nothing is committed; the server refuses a commit off the branch's history
 * (400) and a table or view whose earlier metadata file is gone (422), both exit code 1.
 *
 * @example await revertCommit(api, 'main', '9bc2…', { message: 'undo the bad run' })
 */
export async function revertCommit(
  api: ManagementClient,
  branch: string,
  hash: string,
  opts: { dryRun?: boolean; message?: string; expect?: string } = {},
): Promise<RevertResponse> {
  const head = opts.expect ?? (await api.getReference(branch)).hash;
  const r = await api.revert(branch, head, hash, { ...opts, returnConflictAsResult: true });
  if (r.conflicts.length > 0) {
    const why = {
      changed: 'changed since',
      deleted: 'deleted since',
      created: 'created since',
      'not-empty': 'holds newer keys',
    };
    const keys = r.conflicts.map((c) => `${keyText(c.key)} (${why[c.reason]})`).join(', ');
    throw new RatError(
      'REVERT_CONFLICT',
      `cannot revert ${short(r.reverted)} on ${branch}: ${r.conflicts.length} key(s) changed after it: ${keys}; nothing changed`,
      2,
      { ...r },
    );
  }
  return r;
}
