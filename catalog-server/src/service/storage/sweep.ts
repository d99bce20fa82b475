import type { AppContext } from '../../app-context.ts';
import { ioFor } from '../iceberg/metadata-io.ts';
import { metadataCacheFor } from '../iceberg/metadata-cache.ts';

type Ctx = Pick<AppContext, 'locations'>;

/**
 * Deletes files one by one, each only after checking it lies in storage the catalog owns (symlinks followed on file
 * warehouses). A file already gone counts as deleted, so an interrupted sweep can simply run again.
 *
 * @example const { deleted, skipped } = await deleteFiles(ctx, ['file:///wh/db/t/data/a.parquet'])
 */
export async function deleteFiles(
  ctx: Ctx,
  locations: Iterable<string>,
): Promise<{ deleted: number; skipped: string[] }> {
  let deleted = 0;
  const skipped: string[] = [];
  for (const location of locations) {
    if (!(await ctx.locations.owns(location))) {
      skipped.push(location);
      continue;
    }
    const io = ioFor(ctx, location);
    metadataCacheFor(io).forget(location);
    await io.delete(location);
    deleted++;
  }
  return { deleted, skipped };
}
