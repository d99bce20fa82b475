/**
 * Undoing one commit of a branch with a new commit (`git revert`, lakeFS's branch revert): the management API's
 * `POST /trees/{branch}@{hash}/history/revert`, which the CLI (`rat revert`) and the web UI both call.
 */
import type { AppContext } from '../../app-context.ts';
import {
  BadRequestError,
  ReferenceConflictError,
  StorageObjectNotFoundError,
  UnprocessableEntityError,
} from '../../errors/index.ts';
import {
  keyId,
  type CommitMeta,
  type Content,
  type DiffEntry,
  type KeyAuthorizer,
  type Operation,
} from '../../store/types.ts';
import { requireMetadataFile } from '../iceberg/metadata-io.ts';
import { formatContentKey } from './content-key.ts';
import { planRevert, type RevertConflict } from './plan-revert.ts';
import { writeTarget, type RefPath } from './ref-path.ts';
import { sourceCommits } from './source-commits.ts';

/** What a revert did, or would do (`dryRun`), or why it cannot (`conflicts`). */
export interface RevertResult {
  branch: string;
  /** The commit undone, and its first parent, whose content the commit's keys go back to. */
  reverted: string;
  parent: string;
  /** The head the revert was planned on, and the branch's head after it (null: nothing committed). */
  from: string;
  to: string | null;
  dryRun: boolean;
  /** Each key the commit changed: PUT back to the parent's content, or DELETE where the commit added it. */
  operations: Operation[];
  conflicts: RevertConflict[];
}

export interface RevertInput {
  /** The commit to undo: a hash of the branch's history (or one with relative lookups, `1a2b3c4d~1`). */
  hash: string;
  /** The new commit's message and author; the message defaults to `Revert "<subject>"`, as git's. */
  meta: Partial<CommitMeta>;
  dryRun: boolean;
  /** Conflicts answered in the result (200) rather than as a 409 (Nessie's merge flag of the same name). */
  returnConflictAsResult: boolean;
  /** The caller's check of each key the revert changes, when its rights end at some namespaces. */
  authorizeKeys?: KeyAuthorizer;
}

/** A revert's diff is read this many keys a page. */
const DIFF_PAGE = 1_000;
/** Metadata files checked at once before a revert restores tables and views to them. */
const CHECKS_AT_ONCE = 16;

/**
 * Undoes commit `input.hash` of the branch `{ref}` names (its head as the caller saw it, `main@<hash>`): the keys the
 * commit changed against its first parent (a merge commit: what the merge brought in) go back to the parent's
 * content in one new commit carrying property `rat.reverts`. Planned on the expected head and committed with it, so
 * a concurrent commit to the same keys makes this one a conflict rather than being undone. Refused, with nothing
 * written: a commit off the branch's history (400), a key changed after the commit (409 naming each key, or the
 * result with `returnConflictAsResult`), a table or view whose earlier metadata file is gone (422: restoring it would
 * point at a missing file), a key outside the caller's namespaces (403).
 *
 * @example await revertCommit(ctx, parseRefPath('main@1a2b3c4d', 'main'), { hash: '9bc2d3e4', meta: {}, dryRun: false, returnConflictAsResult: false })
 */
export async function revertCommit(ctx: AppContext, ref: RefPath, input: RevertInput): Promise<RevertResult> {
  const { store } = ctx;
  const target = await writeTarget(store, ref);
  const head = target.expectedHash;
  const reverted = (await sourceCommits(store, target.name, [input.hash], { head }))[0]!;
  const commit = await store.getCommit(reverted);
  const parent = commit.parentHashes[0];
  if (parent === undefined) throw new BadRequestError(`${reverted} is the catalog's root: there is nothing before it.`);
  const changes = await wholeDiff(ctx, parent, reverted);
  input.authorizeKeys?.(changes.map((c) => ({ key: c.key, type: (c.to ?? c.from)?.type })));
  const now = await store.getContents(
    head,
    changes.map((c) => c.key),
  );
  const planned = planRevert(changes, now);
  const plan =
    planned.conflicts.length > 0 ? planned : { ...planned, conflicts: await stillHeld(ctx, head, planned, now) };
  const result: RevertResult = {
    branch: target.name,
    reverted,
    parent,
    from: head,
    to: null,
    dryRun: input.dryRun,
    ...plan,
  };
  if (plan.conflicts.length > 0) {
    if (input.returnConflictAsResult) return { ...result, operations: [] };
    throw revertConflict(result);
  }
  await requireRestorable(ctx, result);
  if (input.dryRun || plan.operations.length === 0) return result;
  const subject = commit.message.split('\n')[0];
  const meta: CommitMeta = {
    ...input.meta,
    message: input.meta.message || `Revert "${subject}"\n\nThis reverts commit ${reverted}.`,
    properties: { ...input.meta.properties, 'rat.reverts': reverted },
  };
  const done = await store.commit(target.name, head, meta, plan.operations);
  return { ...result, to: done.hash };
}

async function wholeDiff(ctx: AppContext, from: string, to: string): Promise<DiffEntry[]> {
  const out: DiffEntry[] = [];
  let token: string | undefined;
  do {
    const page = await ctx.store.diff(from, to, { maxRecords: DIFF_PAGE, pageToken: token });
    out.push(...page.items);
    token = page.token;
  } while (token !== undefined);
  return out;
}

/**
 * A namespace the revert would delete that holds keys made after the reverted commit (which it leaves): deleting it
 * would leave them in a namespace that no longer exists, so it is a conflict, as a key changed since is.
 */
async function stillHeld(
  ctx: AppContext,
  head: string,
  plan: { operations: Operation[] },
  now: ReadonlyMap<string, Content>,
): Promise<RevertConflict[]> {
  const deleted = new Set(plan.operations.filter((op) => op.type === 'DELETE').map((op) => keyId(op.key)));
  const conflicts: RevertConflict[] = [];
  for (const op of plan.operations) {
    // Only a namespace has keys below it; the pages are read until one stays (most answer in the first).
    if (op.type !== 'DELETE' || now.get(keyId(op.key))?.type !== 'NAMESPACE') continue;
    let token: string | undefined;
    do {
      const below = await ctx.store.listEntries(head, { prefix: op.key.elements, maxRecords: 500, pageToken: token });
      const stays = below.items.some(
        (e) => e.key.elements.length > op.key.elements.length && !deleted.has(keyId(e.key)),
      );
      if (stays) {
        conflicts.push({ key: op.key, reason: 'not-empty' });
        break;
      }
      token = below.token;
    } while (token !== undefined);
  }
  return conflicts;
}

/** 422 when a table or view would go back to a metadata file that is gone (GC collected it, or it was deleted). */
async function requireRestorable(ctx: AppContext, r: RevertResult): Promise<void> {
  const restored = r.operations.flatMap((op) =>
    op.type === 'PUT' && op.content.type !== 'NAMESPACE'
      ? [{ key: op.key, location: op.content.metadataLocation }]
      : [],
  );
  const gone: string[] = [];
  // A few checks at a time: on an object store each is a HEAD request.
  for (let i = 0; i < restored.length; i += CHECKS_AT_ONCE) {
    const batch = restored.slice(i, i + CHECKS_AT_ONCE);
    const found = await Promise.all(
      batch.map((t) =>
        requireMetadataFile(ctx, t.location).then(
          () => true,
          (err: unknown) => {
            if (err instanceof StorageObjectNotFoundError) return false;
            throw err;
          },
        ),
      ),
    );
    for (const [j, t] of batch.entries()) if (!found[j]) gone.push(formatContentKey(t.key));
  }
  if (gone.length === 0) return;
  throw new UnprocessableEntityError(
    `Cannot revert ${r.reverted.slice(0, 12)} on ${r.branch}: the earlier metadata file of ${gone.join(', ')} is gone ` +
      '(collected by GC?), so restoring it would point at a missing file; nothing changed.',
    { branch: r.branch, reverted: r.reverted, keys: gone },
  );
}

/** Nessie's conflict shape, one entry per key the branch changed after the reverted commit. */
function revertConflict(r: RevertResult): ReferenceConflictError {
  const types = {
    changed: 'VALUE_DIFFERS',
    deleted: 'KEY_DOES_NOT_EXIST',
    created: 'KEY_EXISTS',
    'not-empty': 'NAMESPACE_NOT_EMPTY',
  } as const;
  const why = {
    changed: 'was changed',
    deleted: 'was deleted',
    created: 'was created again',
    'not-empty': 'holds keys made',
  } as const;
  const keys = r.conflicts.map((c) => formatContentKey(c.key));
  return new ReferenceConflictError(
    `Cannot revert ${r.reverted.slice(0, 12)} on ${r.branch}: ${keys.length} key(s) changed after it (${keys.join(', ')}); nothing changed.`,
    {
      conflicts: r.conflicts.map((c) => ({
        key: c.key,
        conflictType: types[c.reason],
        message: `${formatContentKey(c.key)} ${why[c.reason]} after ${r.reverted.slice(0, 12)}`,
      })),
    },
  );
}
