import { dataBranchFor } from '@ratatouille/iceberg/lockstep';
import { deleteDataBranch, type DeleteDataBranchResult } from './delete-data-branch.ts';
import { CatalogRequestFailedError } from './errors/index.ts';
import { readForks, recordFork } from './state/forks.ts';
import type { GitSyncIO } from './types.ts';

export type RenameDataBranchResult =
  /** No data branch under the old name: nothing to carry over (the new one is made as for any branch). */
  | { kind: 'missing'; from: string }
  /** The new name already had a data branch: both are left as they are, the user decides. */
  | { kind: 'target-exists'; from: string; to: string; hash: string }
  | { kind: 'renamed'; from: string; to: string; hash: string; old: DeleteDataBranchResult };

/**
 * `git branch -m old new`: the data follows the code. The new data branch is created at the old one's head (its fork
 * record is the old one's, so the rule of `deleteDataBranch` still knows whose data it is), then the old data branch
 * goes the way a deleted branch's does: deleted if this clone created it, kept if it is a teammate's. Never archived:
 * its data lives on under the new name.
 *
 * @example await renameDataBranch(io, 'feat-e', 'feat-e2')
 */
export async function renameDataBranch(
  io: GitSyncIO,
  fromCode: string,
  toCode: string,
): Promise<RenameDataBranchResult> {
  const from = dataBranchFor(fromCode, io.config);
  const to = dataBranchFor(toCode, io.config);
  const ref = await io.catalog.getReference(from);
  if (!ref || ref.type !== 'BRANCH') return { kind: 'missing', from };
  const existing = await io.catalog.getReference(to);
  if (existing && existing.hash !== ref.hash) return { kind: 'target-exists', from, to, hash: existing.hash };
  if (!existing) {
    try {
      await io.catalog.createReference(to, 'BRANCH', ref);
    } catch (err) {
      // Another hook (the same rename seen twice) made it first: fine when it is at the same head.
      const winner = await io.catalog.getReference(to);
      if (!(err instanceof CatalogRequestFailedError && err.status === 409 && winner?.hash === ref.hash)) throw err;
    }
  }
  const fork = (await readForks(io))[fromCode];
  const at = (io.now?.() ?? new Date()).toISOString();
  // Created here when the old one was; else it is a copy this clone made of someone's data, and so ours to delete.
  await recordFork(
    io,
    toCode,
    fork && fork.dataBranch === from && fork.fromDataBranch !== from
      ? { ...fork, dataBranch: to }
      : { dataBranch: to, fromDataBranch: from, fromHash: ref.hash, at },
  );
  const old = await deleteDataBranch(io, fromCode, { archive: false });
  return { kind: 'renamed', from, to, hash: ref.hash, old };
}
