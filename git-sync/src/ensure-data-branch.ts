import type { DataReference } from './catalog/data-catalog.ts';
import { CatalogRequestFailedError } from './errors/index.ts';
import { dataBranchFor } from '@ratatouille/iceberg/lockstep';
import { localBranchTips, mergeBase, resolveSha } from './git/repo.ts';
import { readForks, recordFork } from './state/forks.ts';
import { findCodeLink } from './find-code-link.ts';
import type { GitSyncIO } from './types.ts';

export interface EnsureDataBranchOptions {
  /** The code branch the user came from when `codeBranch` was just created: its data head is the fork point. */
  fromCodeBranch?: string;
  /** A commit the user came from (detached HEAD): its recorded data hash is the fork point. */
  fromSha?: string;
}

export interface EnsuredDataBranch {
  dataBranch: string;
  reference: DataReference;
  created: boolean;
  /** How the fork point was chosen, for the user. */
  source?: string;
}

/**
 * Makes sure the data branch that follows `codeBranch` exists. A new branch forks from the data head of the branch
 * the user came from; a missing one is recreated from its recorded fork point, else from the data recorded for the
 * code merge base with the default branch, else from the default data branch. Creating is a compare-and-swap on the
 * server: when another hook won the race, "already exists" is success.
 *
 * @example await ensureDataBranch(io, 'feature', { fromCodeBranch: 'main' })
 */
export async function ensureDataBranch(
  io: GitSyncIO,
  codeBranch: string,
  opts: EnsureDataBranchOptions = {},
): Promise<EnsuredDataBranch> {
  const dataBranch = dataBranchFor(codeBranch, io.config);
  const existing = await io.catalog.getReference(dataBranch);
  if (existing) return { dataBranch, reference: existing, created: false };

  const from = await chooseForkPoint(io, codeBranch, dataBranch, opts);
  let reference: DataReference;
  try {
    reference = await io.catalog.createReference(dataBranch, 'BRANCH', from.ref);
  } catch (err) {
    if (err instanceof CatalogRequestFailedError && err.status === 409) {
      const winner = await io.catalog.getReference(dataBranch);
      if (winner)
        return { dataBranch, reference: winner, created: false, source: 'created concurrently by another process' };
    }
    throw err;
  }
  await recordFork(io, codeBranch, {
    dataBranch,
    fromDataBranch: from.ref.name,
    fromHash: from.ref.hash,
    at: (io.now?.() ?? new Date()).toISOString(),
  });
  return { dataBranch, reference, created: true, source: from.why };
}

/**
 * Where a new data branch for `codeBranch` forks from, and why (for the user): its recorded fork point, the data head
 * of the branch the user came from, the data recorded for the commit they came from, the data of the code merge base
 * with the default branch, else the default data branch's head.
 *
 * @example const { ref, why } = await chooseForkPoint(io, 'feature', 'feature', { fromCodeBranch: 'main' })
 */
export async function chooseForkPoint(
  io: GitSyncIO,
  codeBranch: string,
  dataBranch: string,
  opts: EnsureDataBranchOptions,
): Promise<{ ref: DataReference; why: string }> {
  // A data branch this clone created before and lost since comes back where it forked, whatever the reflog says.
  const fork = (await readForks(io))[codeBranch];
  if (fork && fork.dataBranch === dataBranch) {
    return {
      ref: { type: 'BRANCH', name: fork.fromDataBranch, hash: fork.fromHash },
      why: `its recorded fork point ${fork.fromDataBranch}@${fork.fromHash.slice(0, 12)}`,
    };
  }
  if (opts.fromCodeBranch) {
    const fromData = dataBranchFor(opts.fromCodeBranch, io.config);
    const head = fromData !== dataBranch ? await io.catalog.getReference(fromData) : undefined;
    if (head) return { ref: head, why: `the data head of "${fromData}", the branch you came from` };
  }
  if (opts.fromSha) {
    const link = await findCodeLink(io, opts.fromSha);
    if (link) {
      return {
        ref: { type: 'BRANCH', name: link.dataRef, hash: link.dataHash },
        why: `the data recorded for commit ${opts.fromSha.slice(0, 12)}, where you came from`,
      };
    }
  }
  const derived = await derivedForkPoint(io, codeBranch);
  if (derived) return derived;
  const def = await io.catalog.getReference(io.config.defaultDataBranch);
  if (!def)
    throw new CatalogRequestFailedError(
      'GET',
      `/api/v2/trees/${io.config.defaultDataBranch}`,
      404,
      'REFERENCE_NOT_FOUND',
      'the default data branch is missing',
    );
  return { ref: def, why: `the head of the default data branch "${def.name}"` };
}

/** The data recorded for the code merge base of `codeBranch` and the default branch (the code fork point). */
async function derivedForkPoint(
  io: GitSyncIO,
  codeBranch: string,
): Promise<{ ref: DataReference; why: string } | undefined> {
  const tip = await resolveSha(io, `refs/heads/${codeBranch}`);
  if (!tip) return undefined;
  const tips = await localBranchTips(io);
  for (const [name, sha] of tips) {
    if (name === codeBranch || dataBranchFor(name, io.config) !== io.config.defaultDataBranch) continue;
    const base = await mergeBase(io, tip, sha);
    const link = base ? await findCodeLink(io, base) : undefined;
    if (link) {
      return {
        ref: { type: 'BRANCH', name: link.dataRef, hash: link.dataHash },
        why: `the data recorded for ${base!.slice(0, 12)}, where "${codeBranch}" forked from "${name}" in git`,
      };
    }
  }
  return undefined;
}
