import type { CodeLink } from './catalog/data-catalog.ts';
import { ensureDataBranch } from './ensure-data-branch.ts';
import { cacheLink } from './state/links-cache.ts';
import type { GitSyncIO } from './types.ts';

/**
 * Records on the catalog server that code commit `sha` (on `codeBranch`) saw the current head of its data branch,
 * so teammates, CI and a later detached checkout read the same data. `dataHash` pins it when the caller knows better
 * (a merge records the merge result).
 *
 * A commit already linked to another data branch keeps that link, and it is returned: the commit is shared (the fork
 * point of a new branch), and its link is what everyone reads for it, so data of this branch must not replace it.
 * Callers tell by `link.dataRef`. The exception is a merge that recorded its merged data (`dataHash` given): a
 * fast-forwarded tip then reads the target's merged data, which holds the source's, and stays readable once the
 * source branch is deleted.
 *
 * @example await recordCodeLink(io, headSha, 'feature')
 */
export async function recordCodeLink(
  io: GitSyncIO,
  sha: string,
  codeBranch: string,
  dataHash?: string,
): Promise<CodeLink> {
  const ensured = await ensureDataBranch(io, codeBranch);
  const existing = await io.catalog.getLink(sha);
  if (existing && existing.dataRef !== ensured.dataBranch && dataHash === undefined) return existing;
  const link = await io.catalog.putLink({
    sha,
    dataRef: ensured.dataBranch,
    dataHash: dataHash ?? ensured.reference.hash,
    codeBranch,
  });
  await cacheLink(io, link).catch(() => undefined);
  return link;
}
