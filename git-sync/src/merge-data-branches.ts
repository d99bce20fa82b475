import type { DataMergeOutcome, KeyMergeBehavior, MergeSource } from './catalog/data-catalog.ts';
import { CatalogRequestFailedError } from './errors/index.ts';
import { dataBranchFor } from '@ratatouille/iceberg/lockstep';
import { settledByReingest } from './conflict-kinds.ts';
import { ensureDataBranch } from './ensure-data-branch.ts';
import { mergeWithRebuild } from './merge-with-rebuild.ts';
import { PROPS, type GitSyncIO } from './types.ts';

export interface MergeDataOptions {
  /** Code branches; the data branches are derived with `dataBranchFor`. */
  sourceBranch: string;
  targetBranch: string;
  /** The code merge commit: stored in the data commit's properties and used to recognise a merge already done. */
  mergeSha?: string;
  /** Check only (pre-merge-commit). */
  dryRun?: boolean;
  /** For conflicting tables: `theirs` takes the source's version, `ours` keeps the target's. */
  resolve?: 'ours' | 'theirs';
  /** The code the rebuild runs (recorded on the rebuilt snapshots) when there is no merge commit yet. */
  codeCommit?: string;
  /**
   * Merge the source at this commit rather than its branch's head: what a pending forge merge recorded, so data
   * committed to the branch after the code was merged stays out (`name` DETACHED when the branch is gone).
   */
  sourceAt?: MergeSource;
}

export type MergeDataResult =
  | { kind: 'same-branch'; dataBranch: string }
  | { kind: 'no-source'; source: string }
  | { kind: 'already-merged'; source: string; target: string; hash: string }
  | { kind: 'clean'; source: string; target: string; tables: string[] }
  | { kind: 'merged'; source: string; target: string; hash: string; tables: string[]; rebuilt?: string[] }
  /** `blocking`: the conflicting tables no model rebuilds (source data, tables no model produces). */
  | { kind: 'conflict'; source: string; target: string; tables: string[]; blocking?: string[]; declined?: boolean }
  /** A merge-with-rebuild whose model or data test failed: the target is untouched. */
  | {
      kind: 'rebuild-failed';
      source: string;
      target: string;
      tables: string[];
      model: string;
      message: string;
      keptBranch?: string;
    };

const tableName = (key: string[]) => key.join('.');

/**
 * Merges the data branch of `sourceBranch` into that of `targetBranch` as one atomic catalog commit, or reports why
 * not. Idempotent: a merge already recorded for `mergeSha`, or a source already contained in the target, is a no-op.
 * A conflict changes nothing (the server applies a merge completely or not at all). The target head seen at the
 * dry run is the expected hash of the real merge, so two racing merges cannot both apply; the loser re-checks and
 * finds the merge already done.
 *
 * @example await mergeDataBranches(io, { sourceBranch: 'feature', targetBranch: 'main', mergeSha })
 */
export async function mergeDataBranches(io: GitSyncIO, opts: MergeDataOptions): Promise<MergeDataResult> {
  const source = dataBranchFor(opts.sourceBranch, io.config);
  const target = dataBranchFor(opts.targetBranch, io.config);
  if (source === target) return { kind: 'same-branch', dataBranch: target };
  const srcRef = opts.sourceAt ?? (await io.catalog.getReference(source));
  if (!srcRef) return { kind: 'no-source', source };
  let tgtRef = (await ensureDataBranch(io, opts.targetBranch)).reference;

  if (opts.mergeSha) {
    const done = await findMergeFor(io, target, opts.mergeSha);
    if (done) return { kind: 'already-merged', source, target, hash: done };
  }

  for (let attempt = 0; attempt < 5; attempt++) {
    const dry = await io.catalog.merge(target, {
      fromRefName: srcRef.name,
      fromHash: srcRef.hash,
      expectedHash: tgtRef.hash,
      dryRun: true,
    });
    if (dry.commonAncestor === srcRef.hash) return { kind: 'already-merged', source, target, hash: tgtRef.hash };
    const conflicts = dry.conflicts;
    const tables = changedTables(dry);
    const properties: Record<string, string> = {
      [PROPS.sourceBranch]: opts.sourceBranch,
      [PROPS.targetBranch]: opts.targetBranch,
    };
    if (opts.mergeSha) properties[PROPS.mergeCommit] = opts.mergeSha;
    const message = `Merge data of ${source} into ${target}${opts.mergeSha ? ` (git ${opts.mergeSha.slice(0, 12)})` : ''}`;
    const conflict = { kind: 'conflict' as const, source, target, tables: conflicts.map((c) => tableName(c.key)) };
    if (conflicts.length > 0 && !opts.resolve && (opts.dryRun || !io.rebuild)) return conflict;
    if (opts.dryRun) return { kind: 'clean', source, target, tables };
    try {
      if (conflicts.length > 0 && !opts.resolve) {
        // Conflicts a rebuild can settle: derived tables are recomputed with the merged code on the merged data.
        const r = await mergeWithRebuild(io, {
          source: srcRef,
          target: tgtRef,
          conflicts: conflicts.map((c) => c.key),
          reingest: conflicts.filter(settledByReingest).map((c) => tableName(c.key)),
          message,
          properties,
          codeCommit: opts.mergeSha ?? opts.codeCommit,
        });
        if (r.kind === 'merged') return { kind: 'merged', source, target, hash: r.hash, tables, rebuilt: r.rebuilt };
        if (r.kind === 'blocked') return { ...conflict, blocking: r.blocking };
        if (r.kind === 'rebuild-failed') {
          const { model, message: why, keptBranch } = r;
          return { kind: 'rebuild-failed', source, target, tables: conflict.tables, model, message: why, keptBranch };
        }
      } else {
        const behavior: KeyMergeBehavior = opts.resolve === 'theirs' ? 'FORCE' : 'DROP';
        if (behavior === 'FORCE' && conflicts.length > 0 && io.confirmForce) {
          if (!(await io.confirmForce({ source, target, tables: conflict.tables })))
            return { ...conflict, declined: true };
        }
        const res = await io.catalog.merge(target, {
          fromRefName: srcRef.name,
          fromHash: srcRef.hash,
          expectedHash: tgtRef.hash,
          message,
          properties,
          keyMergeModes: conflicts.map((c) => ({ key: c.key, mergeBehavior: behavior })),
        });
        // Successful but not applied: the source was already contained (a racing hook merged it first).
        if (res.wasSuccessful && !res.wasApplied)
          return { kind: 'already-merged', source, target, hash: res.resultantTargetHash };
        if (res.wasSuccessful) return { kind: 'merged', source, target, hash: res.resultantTargetHash, tables };
        // Refused although the dry run was clean: if the target moved meanwhile (a racing hook merged the same
        // thing, or a writer touched the same tables), re-check from the new head; otherwise it is a real conflict.
        const moved = (await io.catalog.getReference(target))?.hash !== tgtRef.hash;
        if (!moved && !opts.resolve) {
          return { kind: 'conflict', source, target, tables: res.conflicts.map((c) => tableName(c.key)) };
        }
      }
    } catch (err) {
      // 409: the target moved between the dry run and the merge (another hook, a writer). Re-read and re-check.
      if (!(err instanceof CatalogRequestFailedError && err.status === 409)) throw err;
    }
    const fresh = await io.catalog.getReference(target);
    if (!fresh)
      throw new CatalogRequestFailedError(
        'GET',
        `/api/v2/trees/${target}`,
        404,
        'REFERENCE_NOT_FOUND',
        'target data branch vanished during the merge',
      );
    tgtRef = fresh;
    if (opts.mergeSha) {
      const done = await findMergeFor(io, target, opts.mergeSha);
      if (done) return { kind: 'already-merged', source, target, hash: done };
    }
  }
  throw new CatalogRequestFailedError(
    'POST',
    `/api/v2/trees/${target}/history/merge`,
    409,
    'REFERENCE_CONFLICT',
    'the target kept moving; retry with `rat sync`',
  );
}

function changedTables(dry: DataMergeOutcome): string[] {
  return dry.keys.map(tableName);
}

/** The data commit on `target` that already merged code merge `sha`, searched in recent history. */
async function findMergeFor(io: GitSyncIO, target: string, sha: string): Promise<string | undefined> {
  const log = await io.catalog.history(target, 100);
  return log.find((e) => e.properties[PROPS.mergeCommit] === sha)?.hash;
}
