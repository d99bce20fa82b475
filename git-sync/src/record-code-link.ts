import type { CodeLink } from './catalog/data-catalog.ts';
import { ensureDataBranch } from './ensure-data-branch.ts';
import { cacheLink } from './state/links-cache.ts';
import type { GitSyncIO } from './types.ts';

/**
 * Records on the catalog server that code commit `sha` (on `codeBranch`) saw the current head of its data branch,
 * so teammates, CI and a later detached checkout read the same data. `dataHash` pins it when the caller knows better
 * (a merge records the merge result).
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
  const link = await io.catalog.putLink({
    sha,
    dataRef: ensured.dataBranch,
    dataHash: dataHash ?? ensured.reference.hash,
    codeBranch,
  });
  await cacheLink(io, link).catch(() => undefined);
  return link;
}
