import type { AppContext } from '../../app-context.ts';
import type { ReleasedTableRecord } from '../../store/companions.ts';
import type { Page, PageRequest } from '../../store/types.ts';
import { decodeToken, encodeToken, pageSize } from '../../store/core/paging.ts';
import { NoSuchReleasedTableError, ReleasedTablesUnavailableError } from '../../errors/index.ts';

type Ctx = Partial<Pick<AppContext, 'releasedTables'>>;

/**
 * Tables unregistered to other catalogs (see `unregisterTable`), in metadata-location order, a page at a time: what
 * an operator reads to see which folders GC leaves alone and why.
 *
 * @example const { items, token } = await listReleasedTables(ctx, { maxRecords: 50 })
 */
export async function listReleasedTables(ctx: Ctx, page: PageRequest = {}): Promise<Page<ReleasedTableRecord>> {
  const released = requireReleased(ctx);
  const limit = pageSize(page.maxRecords);
  const after = page.pageToken === undefined ? undefined : decodeToken(page.pageToken);
  // One more than the page, to know whether another follows without a second query.
  const rows = await released.list(after, limit + 1);
  const items = rows.slice(0, limit);
  return rows.length > limit ? { items, token: encodeToken(items[items.length - 1]!.metadataLocation) } : { items };
}

/**
 * Takes a release back, for an operator: the table's files are the catalog's again, so GC collects those nothing
 * reaches any more. Right only once no other catalog uses the table (it came back here, or it was given up).
 *
 * @example await reclaimReleasedTable(ctx, 'file:///wh/db/t-1/metadata/00003-….metadata.json')
 */
export async function reclaimReleasedTable(ctx: Ctx, metadataLocation: string): Promise<void> {
  if (!(await requireReleased(ctx).delete(metadataLocation))) throw new NoSuchReleasedTableError(metadataLocation);
}

function requireReleased(ctx: Ctx) {
  if (!ctx.releasedTables) throw new ReleasedTablesUnavailableError();
  return ctx.releasedTables;
}
