import type { AppContext } from '../../app-context.ts';
import { ioFor } from '../iceberg/metadata-io.ts';
import { metadataCacheFor } from '../iceberg/metadata-cache.ts';

type Ctx = Pick<AppContext, 'locations' | 'store'>;

/**
 * Deletes files one by one, each only after checking it lies in storage the catalog owns (symlinks followed on file
 * warehouses). A file already gone counts as deleted, so an interrupted sweep can simply run again. A metadata file
 * still journaled (written moments ago, not yet fsynced; see file-journal.ts) is forgotten before it is deleted, so
 * a restart after a crash does not write it back as an orphan.
 *
 * `progress.deleted` counts the files deleted so far, for a caller that must report them when a later delete fails.
 *
 * @example const { deleted, skipped } = await deleteFiles(ctx, ['file:///wh/db/t/data/a.parquet'])
 */
export async function deleteFiles(
  ctx: Ctx,
  locations: Iterable<string>,
  progress: { deleted: number } = { deleted: 0 },
): Promise<{ deleted: number; skipped: string[] }> {
  const owned: string[] = [];
  const skipped: string[] = [];
  for (const location of locations) {
    if (await ctx.locations.owns(location)) owned.push(location);
    else skipped.push(location);
  }
  if (ctx.store.journalsFiles) await ctx.store.forgetFiles(owned);
  for (const location of owned) {
    const io = ioFor(ctx, location);
    metadataCacheFor(io).forget(location);
    await io.delete(location);
    progress.deleted++;
  }
  return { deleted: owned.length, skipped };
}
