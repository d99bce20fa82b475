import { EntryStatus, FileContent, type ManifestEntry } from '../avro/manifest.ts';
import type { ManifestFile } from '../avro/manifest-list.ts';
import { canonical } from '../model/schema-utils.ts';
import type { FileChange, SnapshotReplay } from './snapshot-replay.ts';

/** What the target did since the merge base: files its new snapshots added and removed. */
export interface TargetChanges {
  added: FileChange[];
  removed: FileChange[];
}

/** Iceberg's isolation levels for row-level operations (`write.{delete,update,merge}.isolation-level`). */
export type IsolationLevel = 'serializable' | 'snapshot';

/**
 * The isolation level the replay checks under: `snapshot` only when the table sets every row-level operation to it,
 * else Iceberg's default `serializable` (a snapshot does not record which SQL command wrote it).
 *
 * @example isolationLevel({ 'write.delete.isolation-level': 'snapshot' }) // → 'serializable'
 */
export function isolationLevel(properties: Record<string, string>): IsolationLevel {
  const ops = ['delete', 'update', 'merge'].map((op) => properties[`write.${op}.isolation-level`]?.toLowerCase());
  return ops.every((l) => l === 'snapshot') ? 'snapshot' : 'serializable';
}

/** The files of a manifest as changes: ADDED and DELETED entries owned by `snapshotId` (inherited ids included). */
export function fileChangesOf(
  manifest: ManifestFile,
  entries: ManifestEntry[],
  snapshotId: bigint,
): { added: FileChange[]; removed: FileChange[] } {
  const own = (e: ManifestEntry) => BigInt(e.snapshotId ?? manifest.addedSnapshotId) === snapshotId;
  return {
    added: entries.filter((e) => e.status === EntryStatus.ADDED && own(e)).map((entry) => ({ entry, manifest })),
    removed: entries.filter((e) => e.status === EntryStatus.DELETED && own(e)).map((entry) => ({ entry, manifest })),
  };
}

/** The partition a file belongs to, comparable across files: spec id plus its partition tuple. */
export function partitionOf(c: FileChange): string {
  return `${c.manifest.partitionSpecId}:${canonical(c.entry.dataFile.partition)}`;
}

/** `day=19800, kind=a` for messages. */
function partitionText(c: FileChange): string {
  const parts = Object.entries(c.entry.dataFile.partition).map(([k, v]) => `${k}=${canonical(v)}`);
  return parts.length ? parts.join(', ') : '(unpartitioned)';
}

const fileName = (c: FileChange) => c.entry.dataFile.filePath.slice(c.entry.dataFile.filePath.lastIndexOf('/') + 1);

/**
 * Why a source snapshot that removes files (overwrite, delete, row-level change, compaction) cannot replay onto the
 * target, following Iceberg's commit validations: every file it removed must still be live on the target; and the
 * target must not have changed files that the source's change should have seen. Judged by partition: the partitions
 * the source removed from or added delete files to (for an overwrite or delete also those it added data to) must not
 * have gained data files on the target (serializable isolation), delete files (any isolation), or lost files. A
 * compaction (`replace`) only conflicts with delete files added to the partitions it rewrote. Empty when it replays.
 *
 * @example replayConflicts(plan, liveOnTarget, targetChanges, 'serializable') // → ['the target added data files in day=19800 …']
 */
export function replayConflicts(
  plan: SnapshotReplay,
  live: Set<string>,
  target: TargetChanges,
  isolation: IsolationLevel,
): string[] {
  const reasons: string[] = [];
  for (const [path, c] of plan.removed) {
    if (!live.has(path)) reasons.push(`the source removed ${fileName(c)}, which the target no longer has`);
  }
  const isData = (c: FileChange) => c.entry.dataFile.content === FileContent.DATA;
  // Only new data and nothing removed (an append, a compaction that rewrote nothing): nothing the target did matters.
  if (plan.removed.size === 0 && plan.added.every(isData) && plan.operation !== 'overwrite') return reasons;
  const touched = new Set<string>();
  for (const c of plan.removed.values()) touched.add(partitionOf(c));
  for (const c of plan.added) if (plan.operation !== 'replace' || !isData(c)) touched.add(partitionOf(c));
  const clash = (what: string, changes: FileChange[]) => {
    const hits = changes.filter((c) => touched.has(partitionOf(c)));
    if (hits.length === 0) return;
    const names = hits.slice(0, 5).map(fileName).join(', ') + (hits.length > 5 ? `, … (${hits.length} files)` : '');
    reasons.push(
      `the target ${what} in ${partitionText(hits[0])} that the source's ${plan.operation} did not see: ${names}`,
    );
  };
  clash(
    'added delete files',
    target.added.filter((c) => !isData(c)),
  );
  if (plan.operation !== 'replace') {
    if (isolation === 'serializable') clash('added data files', target.added.filter(isData));
    clash(
      'removed files',
      target.removed.filter((c) => !plan.removed.has(c.entry.dataFile.filePath)),
    );
  }
  return reasons;
}
