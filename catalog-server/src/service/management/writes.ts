/**
 * Write operations of the management API: commit operations, merge and transplant onto a branch. The `{ref}` must
 * name the branch with the head the caller saw (`main@<hash>`), so a write never lands on a head the caller has not
 * seen. Merges and transplants use the Iceberg resolver for tables both sides changed.
 */
import type { AppContext } from '../../app-context.ts';
import { BadRequestError } from '../../errors/index.ts';
import type {
  CommitMeta,
  CommitResult,
  ContentKey,
  KeyAuthorizer,
  MergeBehavior,
  MergeResult,
  Operation,
  Page,
  PageRequest,
  ReflogEntry,
  VersionStore,
} from '../../store/types.ts';
import { icebergMergeResolver } from '../iceberg/index.ts';
import { sourceCommits } from './source-commits.ts';
import { writeTarget, type RefPath } from './ref-path.ts';

/**
 * One catalog commit of `operations` on the branch `{ref}` names.
 *
 * @example await commitOperations(store, parseRefPath('main@1a2b3c4d', 'main'), { message: 'm' }, ops)
 */
export async function commitOperations(
  store: VersionStore,
  ref: RefPath,
  meta: CommitMeta,
  operations: Operation[],
): Promise<{ branch: string; result: CommitResult }> {
  const target = await writeTarget(store, ref);
  // Nessie's content-id rules: its clients expect them (and their 400s) on this API.
  const result = await store.commit(target.name, target.expectedHash, meta, operations, { nessieContentIds: true });
  return { branch: target.name, result };
}

/** How a merge or transplant treats keys, and whether it only reports. */
export interface MergeFlags {
  dryRun: boolean;
  returnConflictAsResult: boolean;
  defaultKeyMergeMode?: MergeBehavior;
  keyMergeModes?: Array<{ key: ContentKey; mergeBehavior: MergeBehavior }>;
}

/** What a merge and a transplant both take from their request. */
interface MergeInput {
  fromRefName: string;
  meta: Partial<CommitMeta>;
  flags: MergeFlags;
  /** The caller's check of each key the merge changes, when its rights end at some namespaces. */
  authorizeKeys?: KeyAuthorizer;
}

/**
 * Merges `fromRefName` at `fromHash` (its head or reachable from it, see `sourceCommits`) into the branch `{ref}`
 * names.
 *
 * @example await mergeInto(ctx, parseRefPath('main@1a2b3c4d', 'main'), { fromRefName: 'dev', fromHash: '5e6f7a8b', meta: {}, flags })
 */
export async function mergeInto(
  ctx: AppContext,
  ref: RefPath,
  input: MergeInput & { fromHash?: string },
): Promise<MergeResult> {
  if (!input.fromHash) throw new BadRequestError('Source hash must be provided: send "fromHash" (the source head).');
  const target = await writeTarget(ctx.store, ref);
  // An existing source (404 otherwise, as in Nessie), and a commit of it (400 naming the hash otherwise): a hash of
  // another branch would merge that branch's changes under the source's name.
  const [fromHash] = await sourceCommits(ctx.store, input.fromRefName, [input.fromHash]);
  return ctx.store.merge({
    fromRefName: input.fromRefName,
    fromHash,
    toBranch: target.name,
    expectedHash: target.expectedHash,
    ...input.flags,
    meta: input.meta,
    resolver: icebergMergeResolver(ctx),
    authorizeKeys: input.authorizeKeys,
  });
}

/**
 * Applies the commits `hashes` of `fromRefName` (each its head or reachable from it, see `sourceCommits`) one by one
 * onto the branch `{ref}` names; they keep their authors, and their messages unless a message is given for a single
 * commit.
 *
 * @example await transplantInto(ctx, parseRefPath('main@1a2b3c4d', 'main'), { fromRefName: 'dev', hashes: ['5e6f7a8b'], meta: {}, flags })
 */
export async function transplantInto(
  ctx: AppContext,
  ref: RefPath,
  input: MergeInput & { hashes: string[] },
): Promise<MergeResult> {
  const target = await writeTarget(ctx.store, ref);
  // Commits of the source only (400 naming the hash otherwise), so a mistaken hash is not copied or taken for a conflict.
  const hashes = await sourceCommits(ctx.store, input.fromRefName, input.hashes);
  return ctx.store.transplant({
    fromRefName: input.fromRefName,
    hashesToTransplant: hashes,
    toBranch: target.name,
    expectedHash: target.expectedHash,
    ...input.flags,
    // One message cannot stand for several commits: Nessie keeps each commit's own then, and so do we.
    meta: hashes.length > 1 ? withoutMessage(input.meta) : input.meta,
    resolver: icebergMergeResolver(ctx),
    authorizeKeys: input.authorizeKeys,
  });
}

function withoutMessage(meta: Partial<CommitMeta>): Partial<CommitMeta> {
  const { message: _message, ...rest } = meta;
  return rest;
}

/**
 * Reference head moves, newest first, of one reference or all (Ratatouille's own endpoint; Nessie removed its reflog).
 *
 * @example await refHeadMoves(store, { refName: 'main', maxRecords: 50 })
 */
export function refHeadMoves(store: VersionStore, q: PageRequest & { refName?: string }): Promise<Page<ReflogEntry>> {
  return store.reflog(q);
}
