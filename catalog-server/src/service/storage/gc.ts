import type { AppContext } from '../../app-context.ts';
import { isKept, keptBy, markStable } from './reachability.ts';
import { deleteFiles } from './sweep.ts';
import type { SnapshotScope } from './table-files.ts';

type Ctx = Pick<AppContext, 'store' | 'locations' | 'warehouses' | 'keepHistoryMs'> &
  Partial<Pick<AppContext, 'logger' | 'releasedTables'>>;

export interface GcOptions {
  /** List what would be deleted, delete nothing. */
  dryRun?: boolean;
  /** History to keep reachable, in ms; defaults to the server's retention (all history unless configured). */
  keepHistoryMs?: number | 'all';
  /** Snapshots of kept table versions whose files are kept: all of them (default) or only those at refs. */
  snapshots?: SnapshotScope;
  /** Files younger than this are never collected, so a client's in-flight write survives (default 24 h). */
  graceMs?: number;
  now?: number;
}

export interface GcReport {
  dryRun: boolean;
  keepHistory: string;
  snapshots: SnapshotScope;
  graceMs: number;
  /** Catalog commits whose content was kept, and table/view metadata files read to mark. */
  keptCommits: number;
  metadataFiles: number;
  reachableFiles: number;
  /** Files listed under the warehouse roots. */
  scannedFiles: number;
  /** Unreachable files old enough to collect: deleted, or what a dry run would delete. */
  files: Array<{ location: string; size: number }>;
  bytes: number;
  /** Unreachable files left because they are younger than the grace period. */
  youngFiles: number;
  /** Files nothing here reaches, left because they lie in the folder of a table released to another catalog. */
  releasedFiles: number;
  deleted: number;
  /** Table metadata some content points at outside the catalog's storage: not followed, listed for a look. */
  foreignMetadata: string[];
  /**
   * Files kept table versions name that could not be read (not Avro, a folder, metadata that is not metadata): kept,
   * with the table and metadata file naming them, so one writer's broken file does not stop the run. Present only
   * when there are some, so the answer of every other run keeps the shape the management API documents (its schema
   * does not list this field yet); each is logged as well.
   */
  unreadable?: Array<{ table: string; metadata: string; location: string; error: string }>;
}

export const DEFAULT_GC_GRACE_MS = 24 * 3_600_000;

/**
 * Branch-aware garbage collection: marks every file reachable from any branch or tag head or kept commit, lists the
 * warehouses, and deletes unreachable files older than the grace period, one by one. Safe to interrupt and run again;
 * a dry run reports exactly what the real run deletes.
 *
 * @example const report = await collectGarbage(ctx, { dryRun: true, keepHistoryMs: 7 * 86_400_000 })
 */
export async function collectGarbage(ctx: Ctx, opts: GcOptions = {}): Promise<GcReport> {
  const now = opts.now ?? Date.now();
  const keepHistoryMs = opts.keepHistoryMs === 'all' ? undefined : (opts.keepHistoryMs ?? ctx.keepHistoryMs);
  const graceMs = opts.graceMs ?? DEFAULT_GC_GRACE_MS;
  const snapshots = opts.snapshots ?? 'all';
  const mark = await markStable(ctx, { keepHistoryMs, now, snapshots });
  for (const u of mark.unreadable) ctx.logger?.warn(u, 'gc: a file a kept table version names cannot be read; kept');
  const files: Array<{ location: string; size: number }> = [];
  let scanned = 0;
  let young = 0;
  let released = 0;
  const roots = new Set<string>();
  for (const io of ctx.warehouses.values()) {
    if (roots.has(io.root)) continue;
    roots.add(io.root);
    for (const o of await io.list(io.root)) {
      scanned++;
      const kept = keptBy(mark, o.location);
      if (kept) {
        if (kept === 'released') released++;
        continue;
      }
      if (o.lastModified && now - o.lastModified.getTime() < graceMs) {
        young++;
        continue;
      }
      files.push({ location: o.location, size: o.size });
    }
  }
  let deleted = 0;
  if (!opts.dryRun) {
    // Commits that landed while listing may reference listed files: mark again before deleting anything.
    const again = await markStable(ctx, { keepHistoryMs, now, snapshots });
    const doomed = files.filter((f) => !isKept(again, f.location));
    files.splice(0, files.length, ...doomed);
    deleted = (
      await deleteFiles(
        ctx,
        doomed.map((f) => f.location),
      )
    ).deleted;
  }
  return {
    dryRun: opts.dryRun ?? false,
    keepHistory: keepHistoryMs === undefined ? 'all' : `${keepHistoryMs}ms`,
    snapshots,
    graceMs,
    keptCommits: mark.commits,
    metadataFiles: mark.metadataFiles,
    reachableFiles: mark.files.size,
    scannedFiles: scanned,
    files,
    bytes: files.reduce((n, f) => n + f.size, 0),
    youngFiles: young,
    releasedFiles: released,
    deleted,
    foreignMetadata: mark.foreign,
    ...(mark.unreadable.length > 0 ? { unreadable: mark.unreadable } : {}),
  };
}
