import type { Content, ContentKey, ManagementClient, Operation } from '@ratatouille/catalog-client';
import { formatKeyText } from '@ratatouille/catalog-client';
import { RatError } from '../errors.ts';
import { planRevert, type RevertConflict } from './plan-revert.ts';

/** What `rat revert` did, or would do (`dryRun`), or why it could not. */
export interface RevertResult {
  branch: string;
  /** The commit undone, and the parent whose content its keys go back to. */
  reverted: string;
  parent: string;
  /** The branch head the revert was planned on, and the head after it (null: nothing committed). */
  from: string;
  to: string | null;
  /** Each key the commit changed: PUT back to the parent's content, or DELETE where the commit added it. */
  operations: Operation[];
  conflicts: RevertConflict[];
  dryRun: boolean;
}

/** Contents are read this many keys a request. */
const KEYS_PER_READ = 500;

/**
 * Undoes commit `hash` of `branch`'s history with one new commit on the branch (see `planRevert`); a merge commit is
 * undone against its first parent, the branch it merged into. Planned on the head read first (or `expect`) and
 * committed with it as the expected hash, so a commit that changes the same keys meanwhile makes this one a conflict
 * rather than undoing what it did. A key changed since the reverted commit is a conflict too, and nothing is
 * committed (`conflicts`, exit code 2 in the CLI).
 *
 * @example await revertCommit(api, 'main', '9bc2…', { message: 'undo the bad run' })
 */
export async function revertCommit(
  api: ManagementClient,
  branch: string,
  hash: string,
  opts: {
    dryRun?: boolean;
    message?: string;
    expect?: string;
    /**
     * Whether the table or view at `key` loads at `ref` (its metadata file is still there): one is restored only to
     * content that still reads, not to a metadata file GC has collected since.
     */
    contentLoads?: (ref: string, key: ContentKey, type: 'ICEBERG_TABLE' | 'ICEBERG_VIEW') => Promise<boolean>;
  } = {},
): Promise<RevertResult> {
  const head = opts.expect ?? (await api.getReference(branch)).hash;
  // Reachable from the head: the commit is on the branch's history (the walk is bounded; past it, refused).
  const place = await api.compare(`@${hash}`, `${branch}@${head}`, 100_000);
  if (place.ahead > 0 || place.truncated) {
    const why = place.truncated ? 'or more than 100,000 commits back' : '';
    throw new RatError('NOT_ON_BRANCH', `${hash} is not a commit of ${branch}'s history ${why}`.trim(), 1, {
      branch,
      hash,
    });
  }
  const reverted = place.fromHash;
  const entry = (await api.log(`@${reverted}`, { maxRecords: 1 })).logEntries[0];
  const parent = entry?.commitMeta.parentCommitHashes[0];
  if (!entry || !parent) {
    throw new RatError('NOTHING_TO_REVERT', `${reverted} is the catalog's first commit: there is nothing before it`);
  }
  const changes = await api.allDiffs(`@${parent}`, `@${reverted}`);
  const now = new Map<string, Content>();
  for (let i = 0; i < changes.length; i += KEYS_PER_READ) {
    const keys = changes.slice(i, i + KEYS_PER_READ).map((c) => c.key);
    for (const c of (await api.getContents(`${branch}@${head}`, keys)).contents)
      now.set(formatKeyText(c.key), c.content);
  }
  const plan = planRevert(changes, now);
  const result = { branch, reverted, parent, from: head, to: null, ...plan, dryRun: opts.dryRun ?? false };
  if (plan.conflicts.length > 0 || plan.operations.length === 0) return result;
  const gone: string[] = [];
  for (const op of plan.operations) {
    const type = op.type === 'PUT' ? op.content['type'] : undefined;
    if ((type !== 'ICEBERG_TABLE' && type !== 'ICEBERG_VIEW') || !opts.contentLoads) continue;
    if (!(await opts.contentLoads(`${branch}@${parent}`, op.key, type))) gone.push(formatKeyText(op.key));
  }
  if (gone.length > 0) {
    throw new RatError(
      'METADATA_GONE',
      `cannot revert ${reverted.slice(0, 12)} on ${branch}: the metadata file ${gone.join(', ')} had before it no ` +
        'longer loads (collected by GC?), so restoring would point at a missing file; nothing changed',
      1,
      { branch, reverted, tables: gone },
    );
  }
  if (opts.dryRun) return result;
  const subject = entry.commitMeta.message.split('\n')[0];
  const message = opts.message ?? `Revert "${subject}"\n\nThis reverts commit ${reverted}.`;
  const done = await api.commit(branch, head, { message, properties: { 'rat.reverts': reverted } }, plan.operations);
  return { ...result, to: done.targetBranch.hash };
}
