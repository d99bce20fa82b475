import type { LiveFile } from './manifests.ts';

/** What counts as small, and how many small files of one partition are worth one rewrite (Spark's defaults). */
export interface CompactionPolicy {
  /** The size a rewritten file aims at: the table's `write.target-file-size-bytes`, else Iceberg's 512 MiB. */
  targetFileSizeBytes: number;
  /** A partition is rewritten when it holds at least this many small files (Spark's `min-input-files`: 5). */
  minInputFiles: number;
}

/** Iceberg's default `write.target-file-size-bytes`. */
export const DEFAULT_TARGET_FILE_SIZE = 512 * 1024 * 1024;
export const DEFAULT_MIN_INPUT_FILES = 5;

/** The small data files of one partition (spec and partition values) that one rewrite replaces. */
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
 * The partitions worth compacting: data files below three quarters of the target size (Spark's `min-file-size-bytes`)
 * grouped by partition spec and values, kept where a partition has at least `minInputFiles` of them. Files are
 * grouped by partition so that a rewrite never moves rows across partitions (a merge then replays it beside another
 * branch's appends to other partitions).
 *
 * @example compactionGroups(plan.data, { targetFileSizeBytes: 128 << 20, minInputFiles: 5 })
 */
export function compactionGroups(dataFiles: LiveFile[], policy: CompactionPolicy): CompactionGroup[] {
  const small = policy.targetFileSizeBytes * 0.75;
  const groups = new Map<string, CompactionGroup>();
  for (const f of dataFiles) {
    if (Number(f.file.fileSizeInBytes) >= small) continue;
    const key = partitionKey(f);
    let g = groups.get(key);
    if (!g) {
      g = { specId: f.specId, partition: f.file.partition, files: [], bytes: 0, rows: 0 };
      groups.set(key, g);
    }
    g.files.push(f);
    g.bytes += Number(f.file.fileSizeInBytes);
    g.rows += Number(f.file.recordCount);
  }
  return [...groups.values()].filter((g) => g.files.length >= Math.max(2, policy.minInputFiles));
}
