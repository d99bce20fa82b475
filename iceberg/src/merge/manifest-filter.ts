import { EntryStatus, type ManifestEntry, type PartitionFieldType } from '../avro/manifest.ts';
import { partitionSummaries } from '../avro/partition-summary.ts';
import { ManifestContent, type ManifestFile } from '../avro/manifest-list.ts';

/**
 * A target manifest rewritten for a replayed snapshot that removes some of its files: those become DELETED entries
 * of the new snapshot, the other live files EXISTING, and entries already DELETED are dropped. Numbers a manifest
 * entry inherited from its old manifest list entry (snapshot id, sequence numbers, and on v3 the first row id:
 * the list entry's `first_row_id` plus the rows of the live files before it that inherit too) are written out, since
 * the rewritten manifest gets a new list entry. Returns the entries and the list-entry counts and partition summaries
 * (`partitionType` is the manifest's partition tuple); the caller writes the file and fills in its path and length.
 *
 * @example filterManifest(manifestFile, entries, new Set([path]), 42n, partitionType).entries.map((e) => e.status) // → [2, 0]
 */
export function filterManifest(
  manifest: ManifestFile,
  entries: ManifestEntry[],
  removed: Set<string>,
  snapshotId: bigint,
  partitionType: PartitionFieldType[],
): { entries: ManifestEntry[]; file: Omit<ManifestFile, 'manifestPath' | 'manifestLength'> } {
  const out: ManifestEntry[] = [];
  let existing = 0;
  let deleted = 0;
  let existingRows = 0;
  let deletedRows = 0;
  let minSeq: number | undefined;
  let nextRowId = manifest.firstRowId ?? null;
  for (const e of entries) {
    if (e.status === EntryStatus.DELETED) continue;
    let firstRowId = e.dataFile.firstRowId ?? null;
    if (firstRowId === null && nextRowId !== null && manifest.content === ManifestContent.DATA) {
      firstRowId = nextRowId;
      nextRowId = Number(nextRowId) + Number(e.dataFile.recordCount);
    }
    const materialized: ManifestEntry = {
      ...e,
      snapshotId: e.snapshotId ?? manifest.addedSnapshotId,
      sequenceNumber: e.sequenceNumber ?? manifest.sequenceNumber,
      fileSequenceNumber: e.fileSequenceNumber ?? manifest.sequenceNumber,
      dataFile: { ...e.dataFile, firstRowId },
    };
    const rows = Number(e.dataFile.recordCount);
    if (removed.has(e.dataFile.filePath)) {
      out.push({ ...materialized, status: EntryStatus.DELETED, snapshotId });
      deleted++;
      deletedRows += rows;
    } else {
      out.push({ ...materialized, status: EntryStatus.EXISTING });
      existing++;
      existingRows += rows;
      const seq = Number(materialized.sequenceNumber);
      minSeq = minSeq === undefined ? seq : Math.min(minSeq, seq);
    }
  }
  return {
    entries: out,
    file: {
      partitionSpecId: manifest.partitionSpecId,
      content: manifest.content,
      sequenceNumber: manifest.sequenceNumber, // replaced by the new list's number when listed
      minSequenceNumber: minSeq ?? Number(manifest.minSequenceNumber),
      addedSnapshotId: snapshotId,
      addedFilesCount: 0,
      existingFilesCount: existing,
      deletedFilesCount: deleted,
      addedRowsCount: 0,
      existingRowsCount: existingRows,
      deletedRowsCount: deletedRows,
      partitions: partitionSummaries(partitionType, out),
    },
  };
}
