import type { AppContext } from '../../app-context.ts';
import { isKept, markStable } from './reachability.ts';
import { deleteFiles } from './sweep.ts';
import { TableFileReader } from './table-files.ts';

type Ctx = Pick<AppContext, 'store' | 'locations' | 'keepHistoryMs'> &
  Partial<Pick<AppContext, 'logger' | 'releasedTables'>>;

export interface PurgeOutcome {
  /** Files of the dropped table that were deleted. */
  deleted: number;
  /**
   * Files of the dropped table that another table, ref or kept commit still reaches: left for GC. `all` when the
   * retention keeps the dropped version itself (then its files are not even listed); `deferred` when reading or
   * deleting them failed after the drop was committed (logged; GC collects them once unreachable).
   */
  retained: number | 'all' | 'deferred';
}

/**
 * Deletes the files of a table that was just dropped: exactly the files its metadata references (never a folder),
 * and of those only the ones no branch head, tag, kept commit or other table still reaches. With the default
 * retention (all history kept) the dropped version stays reachable from history, so nothing is deleted and
 * `rat gc` collects the files once the retention lets them go.
 *
 * Never throws: the drop is already committed when this runs, so a failure here (storage unavailable, a file that
 * cannot be read) must not answer the client as if the drop had not happened — it is logged and the files are left to
 * GC, which finds them unreachable like any other leftover.
 *
 * @example await purgeDroppedTable(ctx, 'file:///wh/db/t/metadata/00003-….metadata.json')
 */
export async function purgeDroppedTable(ctx: Ctx, metadataLocation: string): Promise<PurgeOutcome> {
  // Unless the retention is 0, the commit before the drop is kept history, and it holds the dropped version: every
  // file stays reachable, so neither reading the table's manifests nor marking the catalog would change the answer.
  if (ctx.keepHistoryMs !== 0) return { deleted: 0, retained: 'all' };
  const progress = { deleted: 0 };
  try {
    const reader = new TableFileReader(ctx);
    const own = await reader.filesOf(metadataLocation, { removedToo: true });
    const live = await markStable(ctx, { keepHistoryMs: ctx.keepHistoryMs, now: Date.now(), reader });
    const doomed = [...own].filter((f) => !isKept(live, f));
    await deleteFiles(ctx, doomed, progress);
    return { deleted: progress.deleted, retained: own.size - progress.deleted };
  } catch (err) {
    ctx.logger?.warn(
      { err, metadataLocation, deleted: progress.deleted },
      'purge: the table was dropped, but deleting its files failed; rat gc collects them',
    );
    return { deleted: progress.deleted, retained: 'deferred' };
  }
}
