import type { DataReference } from './catalog/data-catalog.ts';
import { CatalogRequestFailedError } from './errors/index.ts';
import { dataBranchFor } from '@ratatouille/iceberg/lockstep';
import { chooseForkPoint, type EnsureDataBranchOptions } from './ensure-data-branch.ts';
import { recordFork } from './state/forks.ts';
import type { GitSyncIO } from './types.ts';

export type SettledExisting =
  | { kind: 'reused'; dataBranch: string; hash: string }
  | { kind: 'reset'; dataBranch: string; from: string; to: DataReference; keptAs: string; why: string }
  | { kind: 'gone'; dataBranch: string };

/**
 * Settles a data branch that existed before its code branch was created: `reuse` ties the code branch to it as it
 * is; `reset` keeps its old head as tag `<archivePrefix><branch>-<hash>` and moves it (compare-and-swap on the head
 * seen when the problem was found) to the data the new code branch forks from. Either way the fork is recorded, so
 * the branch is not reported again.
 *
 * @example await settleExistingDataBranch(io, 'feature', 'reset', { fromCodeBranch: 'main' })
 */
export async function settleExistingDataBranch(
  io: GitSyncIO,
  codeBranch: string,
  decision: 'reuse' | 'reset',
  opts: EnsureDataBranchOptions & { expectedHash?: string } = {},
): Promise<SettledExisting> {
  const dataBranch = dataBranchFor(codeBranch, io.config);
  const current = await io.catalog.getReference(dataBranch);
  if (!current) return { kind: 'gone', dataBranch };
  const at = (io.now?.() ?? new Date()).toISOString();
  if (decision === 'reuse') {
    await recordFork(io, codeBranch, { dataBranch, fromDataBranch: dataBranch, fromHash: current.hash, at });
    return { kind: 'reused', dataBranch, hash: current.hash };
  }
  const expected = opts.expectedHash ?? current.hash;
  const from = await chooseForkPoint(io, codeBranch, dataBranch, opts);
  const keptAs = `${io.config.archivePrefix}${dataBranch}-${expected.slice(0, 12)}`;
  try {
    await io.catalog.createReference(keptAs, 'TAG', { type: 'BRANCH', name: dataBranch, hash: expected });
  } catch (err) {
    // Already kept by an earlier attempt: the tag is at the same hash by construction of its name.
    if (!(err instanceof CatalogRequestFailedError && err.status === 409)) throw err;
  }
  const to = await io.catalog.assignReference({ type: 'BRANCH', name: dataBranch, hash: expected }, from.ref);
  await recordFork(io, codeBranch, { dataBranch, fromDataBranch: from.ref.name, fromHash: from.ref.hash, at });
  return { kind: 'reset', dataBranch, from: expected, to, keptAs, why: from.why };
}
