import type { AppContext } from '../../app-context.ts';
import { markStable } from './reachability.ts';
import { deleteFiles } from './sweep.ts';
import { TableFileReader } from './table-files.ts';
import { locationKey } from '../../warehouse/location.ts';

type Ctx = Pick<AppContext, 'store' | 'locations' | 'keepHistoryMs'>;

export interface PurgeOutcome {
  /** Files of the dropped table that were deleted. */
  deleted: number;
  /**
   * Files of the dropped table that another table, ref or kept commit still reaches: left for GC. `all` when the
   * retention keeps the dropped version itself (then its files are not even listed).
   */
  retained: number | 'all';
}

/**
 * Deletes the files of a table that was just dropped: exactly the files its metadata references (never a folder),
 * and of those only the ones no branch head, tag, kept commit or other table still reaches. With the default
 * retention (all history kept) the dropped version stays reachable from history, so nothing is deleted and
 * `rat gc` collects the files once the retention lets them go.
 *
 * @example await purgeDroppedTable(ctx, 'file:///wh/db/t/metadata/00003-….metadata.json')
 */
export async function purgeDroppedTable(ctx: Ctx, metadataLocation: string): Promise<PurgeOutcome> {
  // Unless the retention is 0, the commit before the drop is kept history, and it holds the dropped version: every
  // file stays reachable, so neither reading the table's manifests nor marking the catalog would change the answer.
  if (ctx.keepHistoryMs !== 0) return { deleted: 0, retained: 'all' };
  const reader = new TableFileReader(ctx);
  const own = await reader.filesOf(metadataLocation, { removedToo: true });
  const { files: live } = await markStable(ctx, { keepHistoryMs: ctx.keepHistoryMs, now: Date.now(), reader });
  const doomed = [...own].filter((f) => !live.has(locationKey(f)));
  const { deleted } = await deleteFiles(ctx, doomed);
  return { deleted, retained: own.size - deleted };
}
