import { DeleteIndex, referencedDataFile, type PartitionSpecJson } from '@ratatouille/iceberg';
import type { LiveFile } from './manifests.ts';

/** What counts as small, and how many small files of one partition are worth one rewrite (Spark's defaults). */
export interface CompactionPolicy {
  /** The size a rewritten file aims at: the table's `write.target-file-size-bytes`, else Iceberg's 512 MiB. */
  targetFileSizeBytes: number;
  /** A partition is rewritten when it holds at least this many small files (Spark's `min-input-files`: 5). */
  minInputFiles: number;
  /**
   * A data file whose own position deletes (and deletion vector) remove at least this share of its rows is rewritten
   * whatever its size, and its partition with it (Spark's `delete-ratio-threshold`: 0.3).
   */
  deleteRatio?: number;
  /**
   * A data file that this many delete files apply to is rewritten whatever its size (Spark's
   * `delete-file-threshold`; unset: never).
   */
  deleteFileThreshold?: number;
}

/** Iceberg's default `write.target-file-size-bytes`. */
export const DEFAULT_TARGET_FILE_SIZE = 512 * 1024 * 1024;
export const DEFAULT_MIN_INPUT_FILES = 5;
export const DEFAULT_DELETE_RATIO = 0.3;

/** The data files of one partition (spec and partition values) that one rewrite replaces. */
export interface CompactionGroup {
  specId: number;
  partition: Record<string, unknown>;
  files: LiveFile[];
  bytes: number;
  rows: number;
}

/**
 * The table property that sets the target size, when it holds a positive number; else the default.
 *
 * @example targetFileSize({ 'write.target-file-size-bytes': '134217728' }) // 134217728
 */
export function targetFileSize(properties: Record<string, string> | undefined): number {
  const v = Number(properties?.['write.target-file-size-bytes']);
  return Number.isSafeInteger(v) && v > 0 ? v : DEFAULT_TARGET_FILE_SIZE;
}

const partitionKey = (f: LiveFile) =>
  JSON.stringify([f.specId, f.file.partition], (_, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
  );

/**
 * The partitions worth compacting. A data file is a candidate when it is below three quarters of the target size
 * (Spark's `min-file-size-bytes`), or when its deletes pass a threshold (`deleteRatio` of its rows removed by
 * position deletes naming it, or `deleteFileThreshold` delete files applying to it): every read pays for those.
 * Candidates are grouped by partition spec and values; a group is rewritten when it has at least `minInputFiles`
 * of them, or one that is there for its deletes (as Spark's rewrite decides). Files are grouped by partition so that
 * a rewrite never moves rows across partitions (a merge then replays it beside another branch's appends to other
 * partitions).
 *
 * @example compactionGroups(plan.data, { targetFileSizeBytes: 128 << 20, minInputFiles: 5 }, deletesApplying(plan, specs))
 */
export function compactionGroups(
  dataFiles: LiveFile[],
  policy: CompactionPolicy,
  deletes: ReadonlyMap<string, LiveFile[]> = new Map(),
): CompactionGroup[] {
  const small = policy.targetFileSizeBytes * 0.75;
  const groups = new Map<string, CompactionGroup & { forDeletes: boolean }>();
  for (const f of dataFiles) {
    const forDeletes = tooManyDeletes(f, deletes.get(f.file.filePath) ?? [], policy);
    if (Number(f.file.fileSizeInBytes) >= small && !forDeletes) continue;
    const key = partitionKey(f);
    let g = groups.get(key);
    if (!g) {
      g = { specId: f.specId, partition: f.file.partition, files: [], bytes: 0, rows: 0, forDeletes: false };
      groups.set(key, g);
    }
    g.files.push(f);
    g.bytes += Number(f.file.fileSizeInBytes);
    g.rows += Number(f.file.recordCount);
    g.forDeletes ||= forDeletes;
  }
  return [...groups.values()]
    .filter((g) => g.forDeletes || g.files.length >= Math.max(2, policy.minInputFiles))
    .map(({ forDeletes: _, ...g }) => g);
}

function tooManyDeletes(f: LiveFile, deletes: LiveFile[], policy: CompactionPolicy): boolean {
  if (deletes.length === 0) return false;
  if (policy.deleteFileThreshold !== undefined && deletes.length >= policy.deleteFileThreshold) return true;
  // Only deletes that name this file say how many of its rows are gone (a partition's deletes may name others).
  const removed = deletes
    .filter((d) => referencedDataFile(d.file) === f.file.filePath)
    .reduce((a, d) => a + Number(d.file.recordCount), 0);
  const rows = Number(f.file.recordCount);
  return rows > 0 && removed / rows >= (policy.deleteRatio ?? DEFAULT_DELETE_RATIO);
}

/** The delete index of a snapshot's delete files, partition scopes told apart by the table's specs. */
function indexOf(deletes: LiveFile[], specs: PartitionSpecJson[]): DeleteIndex {
  return new DeleteIndex(deletes, { specs: new Map(specs.map((s) => [s['spec-id'], s])) });
}

/**
 * Per data file path, the delete files that apply to it (the spec's rules: sequence numbers, partition scope, the
 * file a position delete names). Equality deletes are not pruned by column metrics: a file counts as deleted from
 * whenever one may apply.
 *
 * @example deletesApplying(plan.data, [...plan.positionDeletes, ...plan.equalityDeletes], md['partition-specs'])
 */
export function deletesApplying(
  data: LiveFile[],
  deletes: LiveFile[],
  specs: PartitionSpecJson[],
): Map<string, LiveFile[]> {
  const out = new Map<string, LiveFile[]>();
  if (deletes.length === 0) return out;
  const index = indexOf(deletes, specs);
  for (const f of data) {
    const applying = index.forDataFile(f.file, f.dataSequenceNumber, f.specId);
    if (applying.length)
      out.set(
        f.file.filePath,
        applying.map((i) => deletes[i]!),
      );
  }
  return out;
}

/**
 * The delete files a rewrite leaves applying to nothing: none of the data files it keeps is deleted from by them (the
 * files it writes are newer than every delete file, and name no row a position delete names). The rewrite removes
 * them with the files it replaces, as Spark's `remove-dangling-deletes` would afterwards.
 *
 * @example unusedDeletes(keptDataFiles, deletes, md['partition-specs'])
 */
export function unusedDeletes(kept: LiveFile[], deletes: LiveFile[], specs: PartitionSpecJson[]): LiveFile[] {
  if (deletes.length === 0) return [];
  const index = indexOf(deletes, specs);
  const used = new Set<number>();
  for (const f of kept) for (const i of index.forDataFile(f.file, f.dataSequenceNumber, f.specId)) used.add(i);
  return deletes.filter((_, i) => !used.has(i));
}
