import { EntryStatus, FileContent, type ManifestEntry } from '../avro/manifest.ts';
import type { ManifestFile } from '../avro/manifest-list.ts';
import { canonical } from '../model/schema-utils.ts';
import type { Snapshot } from '../model/parts.ts';
import type { TableMetadata } from '../model/table-metadata.ts';
import type { FileChange, SnapshotReplay } from './snapshot-replay.ts';
import { mayOverlap, regionsOf, type FileRegion } from './file-bounds.ts';
import { reason, type MergeConflictReason } from './conflict-kinds.ts';

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

const partitionKey = (c: FileChange) => `${c.manifest.partitionSpecId}:${canonical(c.entry.dataFile.partition)}`;

/**
 * The partitions a snapshot rewrote row by row: it removed data files there and added data files back, and it is not
 * an overwrite of whole partitions (`replace-partitions`, Spark's INSERT OVERWRITE).
 */
function rewrittenPartitions(plan: SnapshotReplay): Set<string> {
  if (plan.replacePartitions) return new Set();
  const isData = (c: FileChange) => c.entry.dataFile.content === FileContent.DATA;
  const added = new Set(plan.added.filter(isData).map(partitionKey));
  return new Set(
    [...plan.removed.values()]
      .filter(isData)
      .map(partitionKey)
      .filter((p) => added.has(p)),
  );
}

/** `day=19800, kind=a` for messages. */
function partitionText(c: FileChange): string {
  const parts = Object.entries(c.entry.dataFile.partition).map(([k, v]) => `${k}=${canonical(v)}`);
  return parts.length ? parts.join(', ') : '(unpartitioned)';
}

const fileName = (c: FileChange) => c.entry.dataFile.filePath.slice(c.entry.dataFile.filePath.lastIndexOf('/') + 1);

/** What the bound checks need beyond the files: column types, row identity, the data files position deletes name. */
export interface ConflictContext {
  /** Field id → primitive type (`fieldTypes(metadata)`); a field without a type is not compared by bounds. */
  types: Map<number, string>;
  /** The table's identifier fields (`identifierFields(metadata)`); none: row-level changes are judged by partition. */
  identifiers: Set<number>;
  /** Data files by path (live on the source's parent and on the target) for resolving position deletes. */
  files: Map<string, FileChange>;
}

const NO_CONTEXT: ConflictContext = { types: new Map(), identifiers: new Set(), files: new Map() };

/**
 * Why a source snapshot that removes files (overwrite, delete, row-level change, compaction) cannot replay onto the
 * target, following Iceberg's commit validations: every file it removed must still be live on the target; and the
 * target must not have changed files that the source's change should have seen. Iceberg evaluates the writer's
 * conflict-detection filter against manifest metadata; a snapshot does not record that filter, so the rows the
 * source's change saw are approximated by regions (partition and column bounds, see `file-bounds.ts`) of the files it
 * removed and the delete files it added (for an overwrite or delete also the data files it added):
 * - files dropped whole, or an overwrite that replaced partitions: their whole partition;
 * - a row-level rewrite (files removed and data added back in the same partition) and position deletes: the rewritten
 *   files' rows told apart by the table's identifier fields (none declared: the whole partition);
 * - equality deletes: the rows equal on their equality columns; a compaction's inputs: their rows on every column.
 * Those regions must not overlap data files the target added (serializable isolation), delete files it added (any
 * isolation), or files it removed; a compaction (`replace`) only conflicts with delete files. Missing stats count as
 * overlapping. Empty when it replays.
 *
 * @example replayConflicts(plan, liveOnTarget, targetChanges, 'serializable', ctx) // → [{ kind: 'row-level-change-over-new-data', … }]
 */
export function replayConflicts(
  plan: SnapshotReplay,
  live: Set<string>,
  target: TargetChanges,
  isolation: IsolationLevel,
  context: ConflictContext = NO_CONTEXT,
): MergeConflictReason[] {
  const reasons: MergeConflictReason[] = [];
  for (const [path, c] of plan.removed) {
    if (!live.has(path)) {
      reasons.push(reason('removed-file-missing', `the source removed ${fileName(c)}, which the target no longer has`));
    }
  }
  const isData = (c: FileChange) => c.entry.dataFile.content === FileContent.DATA;
  // Only new data and nothing removed (an append, a compaction that rewrote nothing): nothing the target did matters.
  if (plan.removed.size === 0 && plan.added.every(isData) && plan.operation !== 'overwrite') return reasons;
  const touched: FileRegion[] = [];
  const rewritten = rewrittenPartitions(plan);
  const dataBy = (c: FileChange) => {
    if (plan.operation === 'replace') return undefined;
    return rewritten.has(partitionKey(c)) ? context.identifiers : new Set<number>();
  };
  for (const c of plan.removed.values()) touched.push(...regionsOf(c, context.files, dataBy(c)));
  for (const c of plan.added) {
    if (isData(c) && plan.operation !== 'replace') touched.push(...regionsOf(c, context.files, dataBy(c)));
    if (!isData(c)) touched.push(...regionsOf(c, context.files, context.identifiers));
  }
  const overlaps = (c: FileChange) =>
    regionsOf(c, context.files).some((r) => touched.some((t) => mayOverlap(t, r, context.types)));
  const clash = (what: string, changes: FileChange[]) => {
    const hits = changes.filter(overlaps);
    if (hits.length === 0) return;
    const names = hits.slice(0, 5).map(fileName).join(', ') + (hits.length > 5 ? `, … (${hits.length} files)` : '');
    reasons.push(
      reason(
        'row-level-change-over-new-data',
        `the target ${what} in ${partitionText(hits[0])} that the source's ${plan.operation} did not see: ${names}`,
      ),
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

/**
 * Snapshot summary property in which a writer declares the columns the rows it wrote are unique by: a JSON array of
 * column names (`["order_id"]`). The engine's upserts (`incremental` models with `unique_key`) set it: an upsert
 * that met only new keys is an `append`, and replaying it next to rows the target added with the same keys would
 * leave two rows per key where the writer promised one.
 */
export const UNIQUE_KEY_PROPERTY = 'rat.unique-key';

/**
 * The field ids of the unique key a snapshot declares (`rat.unique-key`), looked up by name (case-insensitive, as
 * the engine's SQL names are) in the schema the snapshot was written with, else the current one. Empty when it
 * declares none, or names a column that schema lacks or does not hold as a top-level primitive (nothing to compare).
 *
 * @example uniqueKeyFields(md, snapshot) // → Set { 1 } for summary { 'rat.unique-key': '["order_id"]' }
 */
export function uniqueKeyFields(
  md: Pick<TableMetadata, 'schemas' | 'current-schema-id'>,
  snapshot: Pick<Snapshot, 'summary' | 'schema-id'>,
): Set<number> {
  let names: unknown;
  try {
    names = JSON.parse(snapshot.summary[UNIQUE_KEY_PROPERTY] ?? '[]');
  } catch {
    return new Set();
  }
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string')) return new Set();
  const schema =
    md.schemas.find((s) => s['schema-id'] === snapshot['schema-id']) ??
    md.schemas.find((s) => s['schema-id'] === md['current-schema-id']);
  const ids = new Set<number>();
  for (const name of names as string[]) {
    const f = schema?.fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!f || typeof f.type !== 'string') return new Set();
    ids.add(f.id);
  }
  return ids;
}

/**
 * Why a snapshot that declares a unique key (see {@link UNIQUE_KEY_PROPERTY}) cannot replay: data files the target
 * added since the merge base may hold rows with a key it also wrote, judged by the key columns' bounds alone. The
 * partition does not tell keys apart (a key may move between partitions when its row changes), and missing bounds
 * count as overlapping. Whatever the isolation level: this is the key's uniqueness, not what the writer read. Empty
 * when it replays.
 *
 * @example duplicateKeyConflicts(plan, new Set([1]), targetChanges, types) // → [{ kind: 'unique-key-collision', … }]
 */
export function duplicateKeyConflicts(
  plan: SnapshotReplay,
  key: Set<number>,
  target: TargetChanges,
  types: Map<number, string>,
): MergeConflictReason[] {
  if (key.size === 0) return [];
  const isData = (c: FileChange) => c.entry.dataFile.content === FileContent.DATA;
  // One pseudo-partition for both sides: only the key columns' bounds may tell two files apart.
  const keyRegion = (c: FileChange): FileRegion => ({ ...regionsOf(c, new Map(), key)[0], specId: -1, partition: '' });
  const written = plan.added.filter(isData).map(keyRegion);
  const hits = target.added.filter(isData).filter((c) => {
    const r = keyRegion(c);
    return written.some((w) => mayOverlap(w, r, types));
  });
  if (hits.length === 0) return [];
  const names = hits.slice(0, 5).map(fileName).join(', ') + (hits.length > 5 ? `, … (${hits.length} files)` : '');
  return [
    reason('unique-key-collision', `the target added rows that may share its unique key with rows it wrote: ${names}`),
  ];
}
