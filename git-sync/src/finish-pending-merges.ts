import { dataBranchFor } from '@ratatouille/iceberg/lockstep';
import type { MergeSource, PendingMerge } from './catalog/data-catalog.ts';
import { CatalogRequestFailedError } from './errors/index.ts';
import { mergeDataBranches, type MergeDataResult } from './merge-data-branches.ts';
import { mergeWithRebuild } from './merge-with-rebuild.ts';
import { recordCodeLink } from './record-code-link.ts';
import { PROPS, type GitSyncIO } from './types.ts';

export type FinishedMerge = MergeDataResult & { mergeSha?: string; pending: PendingMerge };

/**
 * Finishes the forge merges into `codeBranch`'s data branch that the server's webhook could not finish alone (it has
 * neither the code nor the engine): a `rebuild` — the rest already merged — runs the merge with rebuild of the
 * derived tables with the merged code (this working tree); a `conflict` — nothing merged — is merged again like any
 * code merge, settled by `resolve` if given. A finished merge is cleared on the server and its code merge linked to
 * the resulting data; an unfinished one stays pending (and `rat status` keeps reporting it).
 *
 * @example for (const m of await finishPendingMerges(io, 'main')) console.log(m.kind, m.pending.tables)
 */
export async function finishPendingMerges(
  io: GitSyncIO,
  codeBranch: string,
  opts: { resolve?: 'ours' | 'theirs' } = {},
): Promise<FinishedMerge[]> {
  const target = dataBranchFor(codeBranch, io.config);
  const out: FinishedMerge[] = [];
  for (const p of await listPendingMerges(io, target)) {
    const finish = (source: MergeSource) =>
      p.state === 'rebuild'
        ? finishRebuild(io, p, source, opts.resolve)
        : mergeDataBranches(io, {
            sourceBranch: p.sourceBranch,
            targetBranch: p.targetBranch,
            mergeSha: p.mergeSha,
            resolve: opts.resolve,
            sourceAt: source,
          });
    const source = await recordedSource(io, p);
    let r: MergeDataResult;
    try {
      r = await finish(source);
    } catch (err) {
      // The source branch was reset or made anew since the forge event, so the recorded commit is no longer on it:
      // merge that commit detached (what the forge merged), which needs a reader of every reference.
      if (!(source.type !== 'DETACHED' && notOnSource(err))) throw err;
      r = await finish(detached(p.sourceHash));
    }
    if (r.kind === 'merged' || r.kind === 'already-merged') {
      if (p.mergeSha && r.kind === 'merged') await recordCodeLink(io, p.mergeSha, codeBranch, r.hash);
      await io.catalog.clearPendingMerge(p);
    }
    out.push({ ...r, ...(p.mergeSha ? { mergeSha: p.mergeSha } : {}), pending: p });
  }
  return out;
}

/** Pending merges into `target`; none on a server that does not record them. */
export async function listPendingMerges(io: GitSyncIO, target: string): Promise<PendingMerge[]> {
  try {
    return await io.catalog.pendingMerges(target);
  } catch (err) {
    if (err instanceof CatalogRequestFailedError && (err.status === 404 || err.status === 501)) return [];
    throw err;
  }
}

/**
 * The source data of a pending merge as the forge event saw it: its branch at the recorded head, or that commit
 * detached when the branch has been deleted since (a merged branch is often deleted right away).
 */
async function recordedSource(io: GitSyncIO, p: PendingMerge): Promise<MergeSource> {
  const live = await io.catalog.getReference(p.sourceRef);
  return live ? { type: live.type, name: p.sourceRef, hash: p.sourceHash } : detached(p.sourceHash);
}

const detached = (hash: string): MergeSource => ({ type: 'DETACHED', name: 'DETACHED', hash });

const notOnSource = (err: unknown) =>
  err instanceof CatalogRequestFailedError && err.catalogCode === 'COMMIT_NOT_ON_REFERENCE';

/** The derived tables of a partly merged forge merge, rebuilt with the merged code on the merged data. */
async function finishRebuild(
  io: GitSyncIO,
  p: PendingMerge,
  source: MergeSource,
  resolve: 'ours' | 'theirs' | undefined,
): Promise<MergeDataResult> {
  const base = { source: p.sourceRef, target: p.targetRef, tables: p.tables };
  const current = async () => {
    const ref = await io.catalog.getReference(p.targetRef);
    if (!ref)
      throw new CatalogRequestFailedError('GET', `/api/v2/trees/${p.targetRef}`, 404, 'REFERENCE_NOT_FOUND', 'gone');
    return ref;
  };
  // `ours`: keep the target's version of the derived tables, as the partial merge left them.
  if (resolve === 'ours')
    return { kind: 'already-merged', source: p.sourceRef, target: p.targetRef, hash: (await current()).hash };
  if (!io.rebuild) return { kind: 'conflict', ...base };
  const properties: Record<string, string> = {
    [PROPS.sourceBranch]: p.sourceBranch,
    [PROPS.targetBranch]: p.targetBranch,
  };
  if (p.mergeSha) properties[PROPS.mergeCommit] = p.mergeSha;
  const message = `Rebuild ${p.tables.join(', ')} after merging the data of ${p.sourceRef} into ${p.targetRef}${p.mergeSha ? ` (git ${p.mergeSha.slice(0, 12)})` : ''}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    const r = await mergeWithRebuild(io, {
      source,
      target: await current(),
      conflicts: p.tables.map((t) => t.split('.')),
      message,
      properties,
      codeCommit: p.mergeSha,
    });
    if (r.kind === 'merged') return { kind: 'merged', ...base, hash: r.hash, rebuilt: r.rebuilt };
    if (r.kind === 'blocked') return { kind: 'conflict', ...base, blocking: r.blocking };
    if (r.kind === 'rebuild-failed')
      return { kind: 'rebuild-failed', ...base, model: r.model, message: r.message, keptBranch: r.keptBranch };
  }
  throw new CatalogRequestFailedError(
    'POST',
    `/api/v2/trees/${p.targetRef}/history/merge`,
    409,
    'REFERENCE_CONFLICT',
    'the target kept moving; retry with `rat sync`',
  );
}
