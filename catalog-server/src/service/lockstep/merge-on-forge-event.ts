import { createHash } from 'node:crypto';
import { dataBranchFor, type BranchMapping } from '@ratatouille/iceberg/lockstep';
import type { AppContext } from '../../app-context.ts';
import { NoSuchReferenceError } from '../../errors/index.ts';
import type { MergeResult } from '../../store/types.ts';
import { icebergMergeResolver } from '../iceberg/index.ts';
import type { PendingMergeRecord } from '../../store/companions.ts';
import { bindEventMapping } from './event-mapping.ts';
import { claimOrAwaitDelivery } from './delivery-claims.ts';
import { rebuildableTables } from './rebuildable-tables.ts';

/** The commit properties git-sync writes too (git-sync/src/types.ts `PROPS`): both sides recognise each other's merges. */
const MERGE_COMMIT = 'rat.git.merge-commit';
const SOURCE = 'rat.git.source-branch';
const TARGET = 'rat.git.target-branch';
/** On a forge merge that left tables for `rat sync`: which ones (comma-separated). */
const PENDING = 'rat.git.pending';

/** A pull/merge request merged on a forge, as the webhook parser reads it. */
export interface ForgeMerge {
  forge: string;
  /** The forge's delivery id: a redelivery is recognised and answered with the first result. */
  deliveryId: string;
  /** `sha256:<hex>` of the signed body: the event is bound to the branch mapping it is first handled with. */
  bodyDigest: string;
  sourceBranch: string;
  targetBranch: string;
  mergeSha?: string;
  number?: number;
}

export type ForgeMergeResult =
  | { status: 'merged'; source: string; target: string; hash: string; tables: string[] }
  | { status: 'already-merged'; source: string; target: string; hash: string }
  /**
   * Merged what merges; the rest waits for `rat sync` on the target branch, which has the code and the engine.
   * `rebuild`: `hash` holds every other change, `tables` are derived tables to recompute with the merged code.
   * `conflict`: nothing merged, `blocking` tables changed on both sides need a decision (`--resolve theirs|ours`).
   */
  | {
      status: 'pending';
      source: string;
      target: string;
      hash?: string;
      pending: Pick<PendingMergeRecord, 'id' | 'state' | 'tables' | 'blocking'>;
      message: string;
    }
  | { status: 'ignored'; reason: string }
  | { status: 'replayed'; previous: unknown }
  /** The same delivery is being handled by another request (a forge's redelivery while the first still runs). */
  | { status: 'in-progress'; message: string };

type Deps = Pick<AppContext, 'store' | 'codeLinks' | 'pendingMerges' | 'warehouse' | 'warehouses' | 'locations'>;

/**
 * Brings the data in step after a pull/merge request was merged on a forge, where no git hook runs: merges the data
 * branch of its source into the target's (both named by the repository's branch mapping, as git-sync names them) in
 * one atomic catalog commit, with the content-aware merge replaying what both sides appended. What the server cannot
 * finish without the code and the engine is recorded as a pending merge for `rat sync` (which `rat status` reports):
 * derived tables both sides rewrote are left at the target's version while everything else merges, and a real
 * conflict (source data changed on both sides) merges nothing. Idempotent per delivery and per code merge sha.
 *
 * @example await mergeOnForgeEvent(ctx, { forge: 'github', deliveryId, sourceBranch: 'feat', targetBranch: 'main', mergeSha }, { prefix: '', map: {}, unprefixed: ['main'] })
 */
export async function mergeOnForgeEvent(
  ctx: Deps,
  event: ForgeMerge,
  mapping: BranchMapping,
): Promise<ForgeMergeResult> {
  const links = ctx.codeLinks;
  if (links) await bindEventMapping(links, event.forge, event.bodyDigest, mapping);
  if (links) {
    const claim = await claimOrAwaitDelivery(links, event.forge, event.deliveryId);
    if (!claim.claimed && claim.done) return { status: 'replayed', previous: claim.record.result ?? null };
    if (!claim.claimed)
      return {
        status: 'in-progress',
        message:
          `Delivery ${event.deliveryId} is still being handled by an earlier request. If that one fails, ` +
          'redeliver the event (or run `rat sync` on the target branch).',
      };
  }
  try {
    const result = await mergeData(ctx, event, mapping);
    await links?.finishDelivery(event.forge, event.deliveryId, result);
    return result;
  } catch (err) {
    // Released so that the forge's retry is handled afresh (the target moved meanwhile, storage was down, …).
    await links?.releaseDelivery(event.forge, event.deliveryId);
    throw err;
  }
}

async function mergeData(ctx: Deps, pr: ForgeMerge, mapping: BranchMapping): Promise<ForgeMergeResult> {
  const config = { branches: mapping };
  const source = dataBranchFor(pr.sourceBranch, config);
  const target = dataBranchFor(pr.targetBranch, config);
  if (source === target)
    return { status: 'ignored', reason: `source and target map to the same data branch "${target}"` };
  const src = await ctx.store.getReference(source).catch(notFound);
  if (!src) return { status: 'ignored', reason: `no data branch "${source}": nothing to merge` };
  const tgt = await ctx.store.getReference(target).catch(notFound);
  if (!tgt) return { status: 'ignored', reason: `no data branch "${target}" to merge into` };
  const id = pendingId(target, source, pr.mergeSha ?? `${pr.forge}:${pr.deliveryId}`);
  // A partial merge waits for its rebuild; a conflict is tried again (it may have been settled on the source since).
  const waiting = await ctx.pendingMerges?.get(id);
  if (waiting?.state === 'rebuild') return pendingResult(waiting);
  if (pr.mergeSha) {
    const recent = await ctx.store.log(tgt.hash, { maxRecords: 200 });
    const done = recent.items.find((c) => c.properties[MERGE_COMMIT] === pr.mergeSha);
    if (done) {
      // Settled elsewhere meanwhile (`rat sync --resolve`, a hook in another clone): nothing waits any more.
      if (waiting) ctx.pendingMerges?.delete(id, target);
      return { status: 'already-merged', source, target, hash: done.hash };
    }
  }
  const properties: Record<string, string> = {
    [SOURCE]: pr.sourceBranch,
    [TARGET]: pr.targetBranch,
    'rat.forge': pr.forge,
  };
  if (pr.mergeSha) properties[MERGE_COMMIT] = pr.mergeSha;
  if (pr.number !== undefined) properties['rat.forge.request'] = String(pr.number);
  const message = `Merge data of ${source} into ${target} (${pr.forge}${pr.number !== undefined ? ` #${pr.number}` : ''}${pr.mergeSha ? `, git ${pr.mergeSha.slice(0, 12)}` : ''})`;
  const resolver = icebergMergeResolver(ctx);
  const merge = (keep: string[][], extra: Record<string, string> = {}) =>
    ctx.store.merge({
      fromRefName: source,
      fromHash: src.hash,
      toBranch: target,
      expectedHash: tgt.hash,
      returnConflictAsResult: true,
      resolver,
      keyMergeModes: keep.map((elements) => ({ key: { elements }, mergeBehavior: 'DROP' as const })),
      meta: { message, properties: { ...properties, ...extra } },
    });

  const first = await merge([]);
  const conflicts = first.details.filter((d) => d.conflict).map((d) => d.key);
  if (first.wasSuccessful && conflicts.length === 0) {
    if (waiting) await ctx.pendingMerges?.delete(id, target);
    if (!first.wasApplied) return { status: 'already-merged', source, target, hash: first.resultantTargetHash };
    if (pr.mergeSha)
      await ctx.codeLinks?.put({
        sha: pr.mergeSha,
        dataRef: target,
        dataHash: first.resultantTargetHash,
        codeBranch: pr.targetBranch,
      });
    return { status: 'merged', source, target, hash: first.resultantTargetHash, tables: tableNames(first) };
  }

  const { rebuildable, blocking } = await rebuildableTables(ctx, src.hash, conflicts);
  const tables = conflicts.map((k) => k.elements.join('.'));
  const record = {
    id,
    sourceRef: source,
    targetRef: target,
    sourceHash: src.hash,
    sourceBranch: pr.sourceBranch,
    targetBranch: pr.targetBranch,
    ...(pr.mergeSha ? { mergeSha: pr.mergeSha } : {}),
    forge: pr.forge,
    ...(pr.number !== undefined ? { request: pr.number } : {}),
  };
  if (blocking.length === 0) {
    // Only derived tables: merge everything else now (they stay at the target's version), rebuild them later.
    const rest = await merge(
      conflicts.map((k) => k.elements),
      { [PENDING]: rebuildable.join(',') },
    );
    if (rest.wasSuccessful) {
      const rec = { ...record, state: 'rebuild' as const, tables, blocking, mergedHash: rest.resultantTargetHash };
      await ctx.pendingMerges?.put(rec);
      return pendingResult(rec);
    }
  }
  const rec = { ...record, state: 'conflict' as const, tables, blocking: blocking.length ? blocking : tables };
  await ctx.pendingMerges?.put(rec);
  return pendingResult(rec);
}

/** The answer to the forge for a merge left for `rat sync`: what is merged, what waits and how it gets finished. */
function pendingResult(p: Omit<PendingMergeRecord, 'recordedAt'>): Extract<ForgeMergeResult, { status: 'pending' }> {
  const finish = `run \`rat sync\` on "${p.targetBranch}"`;
  const message =
    p.state === 'rebuild'
      ? `Merged the data of "${p.sourceRef}" into "${p.targetRef}" except ${p.tables.join(', ')}, changed on both sides by their models: they need a rebuild with the merged code (${finish}).`
      : `Nothing merged: ${p.blocking.join(', ')} changed on both "${p.sourceRef}" and "${p.targetRef}" and no model rebuilds them; ${finish} with --resolve theirs|ours to decide.`;
  return {
    status: 'pending',
    source: p.sourceRef,
    target: p.targetRef,
    ...(p.mergedHash ? { hash: p.mergedHash } : {}),
    pending: { id: p.id, state: p.state, tables: p.tables, blocking: p.blocking },
    message,
  };
}

function tableNames(r: MergeResult): string[] {
  return r.details.map((d) => d.key.elements.join('.'));
}

/** Stable per (target, source, code merge): a redelivered or repeated event updates the same record. */
function pendingId(target: string, source: string, merge: string): string {
  return createHash('sha256').update(`${target}\n${source}\n${merge}`).digest('hex').slice(0, 24);
}

function notFound(err: unknown): undefined {
  if (err instanceof NoSuchReferenceError) return undefined;
  throw err;
}
