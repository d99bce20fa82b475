import { refPath } from './key-text.ts';
import type { ContentKey, Reference } from './shapes.ts';
import type { ManagementTransport } from './transport.ts';

export type MergeBehavior = 'NORMAL' | 'FORCE' | 'DROP';

export interface MergeOptions {
  dryRun?: boolean;
  returnConflictAsResult?: boolean;
  defaultKeyMergeMode?: MergeBehavior;
  keyMergeModes?: Array<{ key: ContentKey; mergeBehavior: MergeBehavior }>;
  message?: string;
  /** Commit properties of the merge commit (with `message`), e.g. git-sync's `rat.git.merge-commit`. */
  properties?: Record<string, string>;
}

export interface MergeResponse {
  wasApplied: boolean;
  wasSuccessful: boolean;
  resultantTargetHash: string | null;
  commonAncestor: string | null;
  targetBranch: string;
  effectiveTargetHash: string;
  expectedHash: string | null;
  details: Array<{
    key: ContentKey;
    mergeBehavior: MergeBehavior;
    /**
     * `kinds` (Ratatouille): a content-aware merge's refusal, the kind of each `; `-separated part of the message in
     * order (`shared-ingest`, `unique-key-collision`, …); absent on plain conflicts.
     */
    conflict?: { conflictType: string; key: ContentKey; message: string; kinds?: string[] };
    /** Ratatouille: TAKEN (source value), KEPT (target value), IDENTICAL, RESOLVED (content-aware merge), CONFLICT. */
    outcome?: 'TAKEN' | 'KEPT' | 'IDENTICAL' | 'RESOLVED' | 'CONFLICT';
    /** Ratatouille: what the content-aware merge did or why it refused ("replayed 2 snapshots, +3 files, +1,200 rows"). */
    resolution?: { summary: string; stats?: Record<string, number> };
  }>;
}

/**
 * Merges `from` (at its hash) into `branch` (expected at `expectedHash`).
 *
 * @example await merge(transport, 'main', main.hash, feature, { message: 'merge feature' })
 */
export function merge(
  t: ManagementTransport,
  branch: string,
  expectedHash: string,
  from: Reference,
  opts: MergeOptions = {},
): Promise<MergeResponse> {
  return t.request('POST', `/trees/${refPath(branch, expectedHash)}/history/merge?rat-details=true`, {
    fromRefName: from.name,
    fromHash: from.hash,
    ...mergeFlags(opts),
    ...(opts.message
      ? { commitMeta: { message: opts.message, ...(opts.properties ? { properties: opts.properties } : {}) } }
      : {}),
  });
}

/**
 * Copies the commits `hashes` (oldest first) of `fromRefName` onto `branch`.
 *
 * @example await transplant(transport, 'main', main.hash, 'feature', [c1, c3])
 */
export function transplant(
  t: ManagementTransport,
  branch: string,
  expectedHash: string,
  fromRefName: string,
  hashes: string[],
  opts: MergeOptions = {},
): Promise<MergeResponse> {
  return t.request('POST', `/trees/${refPath(branch, expectedHash)}/history/transplant?rat-details=true`, {
    fromRefName,
    hashesToTransplant: hashes,
    ...mergeFlags(opts),
    ...(opts.message ? { message: opts.message } : {}),
  });
}

/** Sends both spellings of the flags: Nessie 0.99 reads `isDryRun`, its OpenAPI document says `dryRun`. */
function mergeFlags(o: MergeOptions): Record<string, unknown> {
  return {
    ...(o.dryRun !== undefined ? { isDryRun: o.dryRun, dryRun: o.dryRun } : {}),
    ...(o.returnConflictAsResult !== undefined
      ? { isReturnConflictAsResult: o.returnConflictAsResult, returnConflictAsResult: o.returnConflictAsResult }
      : {}),
    ...(o.defaultKeyMergeMode ? { defaultKeyMergeMode: o.defaultKeyMergeMode } : {}),
    ...(o.keyMergeModes ? { keyMergeModes: o.keyMergeModes } : {}),
  };
}
