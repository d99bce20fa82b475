import { findCodeLink } from '../find-code-link.ts';
import { cacheLink } from '../state/links-cache.ts';
import type { GitSyncIO } from '../types.ts';

/**
 * Carries the link of a rewritten commit (amend, rebase) over to its replacement, unless the replacement already has
 * its own (post-commit recorded what `--amend` saw, which is newer and right).
 */
export async function copyCodeLink(io: GitSyncIO, fromSha: string, toSha: string): Promise<boolean> {
  const link = await findCodeLink(io, fromSha);
  if (!link) return false;
  if (await io.catalog.getLink(toSha)) return false;
  const copied = await io.catalog.putLink({ ...link, sha: toSha });
  await cacheLink(io, copied).catch(() => undefined);
  return true;
}
