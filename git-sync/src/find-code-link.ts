import type { CodeLink, DataCatalog } from './catalog/data-catalog.ts';
import { cacheLink, readCachedLink } from './state/links-cache.ts';
import type { FsModule } from './types.ts';

/**
 * The data commit a code commit saw: the local cache first (works offline), then the catalog server (cached after).
 *
 * @example const link = await findCodeLink({ fs, gitdir, catalog }, headSha) // { dataRef: 'main', dataHash: '…' }
 */
export async function findCodeLink(
  io: { fs: FsModule; gitdir: string; commonDir?: string; catalog: DataCatalog },
  sha: string,
): Promise<CodeLink | undefined> {
  const cached = await readCachedLink(io, sha);
  if (cached) return cached;
  const link = await io.catalog.getLink(sha);
  if (link) await cacheLink(io, link).catch(() => undefined);
  return link;
}
