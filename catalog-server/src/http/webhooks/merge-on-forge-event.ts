import type { CodeLinks } from '../../store/companions.ts';
import type { MergeResolver, VersionStore } from '../../store/types.ts';
import { NoSuchReferenceError, ReferenceConflictError } from '../../errors/index.ts';
import type { MergedPullRequest } from './parse-merge-event.ts';
import type { Forge } from './verify-signature.ts';

/** The commit properties git-sync writes too (git-sync/src/types.ts `PROPS`): both sides recognise each other's merges. */
const MERGE_COMMIT = 'rat.git.merge-commit';
const SOURCE = 'rat.git.source-branch';
const TARGET = 'rat.git.target-branch';

export interface BranchMapping {
  /** Prepended to code branch names, except the unprefixed ones (as in the repository's rat.yaml). */
  prefix: string;
  unprefixed: string[];
}

export type ForgeMergeResult =
  | { status: 'merged'; source: string; target: string; hash: string; tables: string[] }
  | { status: 'already-merged'; source: string; target: string; hash: string }
  | { status: 'ignored'; reason: string };

/**
 * Merges the data branch of a merged pull/merge request into its target's, atomically (one store merge = one commit
 * covering every table, or nothing). Idempotent: a merge already recorded for the code merge sha, or a source already
 * contained in the target, is not merged again. A conflict throws `ReferenceConflictError` and changes nothing.
 */
export async function mergeOnForgeEvent(
  deps: { store: VersionStore; codeLinks?: CodeLinks; resolver?: MergeResolver },
  forge: Forge,
  pr: MergedPullRequest,
  mapping: BranchMapping,
): Promise<ForgeMergeResult> {
  const map = (b: string) => (mapping.unprefixed.includes(b) ? b : mapping.prefix + b);
  const source = map(pr.sourceBranch);
  const target = map(pr.targetBranch);
  if (source === target)
    return { status: 'ignored', reason: `source and target map to the same data branch "${target}"` };
  const src = await deps.store.getReference(source).catch(notFound);
  if (!src) return { status: 'ignored', reason: `no data branch "${source}": nothing to merge` };
  const tgt = await deps.store.getReference(target).catch(notFound);
  if (!tgt) return { status: 'ignored', reason: `no data branch "${target}" to merge into` };
  if (pr.mergeSha) {
    const recent = await deps.store.log(tgt.hash, { maxRecords: 200 });
    const done = recent.items.find((c) => c.properties[MERGE_COMMIT] === pr.mergeSha);
    if (done) return { status: 'already-merged', source, target, hash: done.hash };
  }
  const properties: Record<string, string> = {
    [SOURCE]: pr.sourceBranch,
    [TARGET]: pr.targetBranch,
    'rat.forge': forge,
  };
  if (pr.mergeSha) properties[MERGE_COMMIT] = pr.mergeSha;
  if (pr.number !== undefined) properties['rat.forge.request'] = String(pr.number);
  const result = await deps.store.merge({
    fromRefName: source,
    fromHash: src.hash,
    toBranch: target,
    expectedHash: tgt.hash,
    returnConflictAsResult: true,
    ...(deps.resolver ? { resolver: deps.resolver } : {}),
    meta: {
      message: `Merge data of ${source} into ${target} (${forge}${pr.number !== undefined ? ` #${pr.number}` : ''}${pr.mergeSha ? `, git ${pr.mergeSha.slice(0, 12)}` : ''})`,
      properties,
    },
  });
  const conflicts = result.details.filter((d) => d.conflict);
  if (!result.wasSuccessful || conflicts.length > 0) {
    throw new ReferenceConflictError(
      `Data of "${source}" conflicts with "${target}" on ${conflicts.map((c) => c.key.elements.join('.')).join(', ')}; nothing was merged. Resolve with \`rat sync --merged ${pr.sourceBranch} --resolve theirs|ours\` on "${pr.targetBranch}", then redeliver.`,
      {
        conflicts: conflicts.map((c) => ({
          key: { elements: [...c.key.elements] },
          conflictType: c.conflict!.conflictType,
          message: c.conflict!.message,
        })),
      },
    );
  }
  if (!result.wasApplied) return { status: 'already-merged', source, target, hash: result.resultantTargetHash };
  if (pr.mergeSha && deps.codeLinks) {
    await deps.codeLinks.put({
      sha: pr.mergeSha,
      dataRef: target,
      dataHash: result.resultantTargetHash,
      codeBranch: pr.targetBranch,
    });
  }
  return {
    status: 'merged',
    source,
    target,
    hash: result.resultantTargetHash,
    tables: result.details.map((d) => d.key.elements.join('.')),
  };
}

function notFound(err: unknown): undefined {
  if (err instanceof NoSuchReferenceError) return undefined;
  throw err;
}
