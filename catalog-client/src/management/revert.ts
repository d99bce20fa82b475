import type { Operation } from './commits.ts';
import { refPath } from './key-text.ts';
import type { ContentKey } from './shapes.ts';
import type { ManagementTransport } from './transport.ts';

/**
 * Ratatouille's revert (`POST /trees/{branch}@{hash}/history/revert`): one new commit that puts back what a commit of
 * the branch changed, as `git revert` does.
 */

export interface RevertOptions {
  /** Report what would be undone, commit nothing. */
  dryRun?: boolean;
  /** Answer keys changed since the commit in the result (`conflicts`) rather than as a 409. */
  returnConflictAsResult?: boolean;
  /** The new commit's message (default: `Revert "<subject>"`). */
  message?: string;
}

export interface RevertResponse {
  branch: string;
  /** The commit undone, and its first parent, whose content the commit's keys went back to. */
  reverted: string;
  parent: string;
  /** The head the revert was planned on, and the head after it (null: nothing committed). */
  from: string;
  to: string | null;
  dryRun: boolean;
  /** PUT: a key back to its content before the commit; DELETE: a key the commit added. */
  operations: Operation[];
  /**
   * Keys the branch changed after the commit: `changed`, `deleted`, `created` again after the commit deleted it, or
   * (`not-empty`) a namespace the commit created that holds keys made since.
   */
  conflicts: Array<{ key: ContentKey; reason: 'changed' | 'deleted' | 'created' | 'not-empty' }>;
}

/**
 * Undoes commit `hash` of `branch`'s history, the branch expected at `expectedHash`.
 *
 * @example await revert(transport, 'main', main.hash, '9bc2d3e4', { dryRun: true })
 */
export function revert(
  t: ManagementTransport,
  branch: string,
  expectedHash: string,
  hash: string,
  opts: RevertOptions = {},
): Promise<RevertResponse> {
  return t.request('POST', `/trees/${refPath(branch, expectedHash)}/history/revert`, {
    hash,
    dryRun: opts.dryRun ?? false,
    returnConflictAsResult: opts.returnConflictAsResult ?? false,
    ...(opts.message ? { commitMeta: { message: opts.message } } : {}),
  });
}
