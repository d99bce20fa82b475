import { EntryStatus, type DataFile, type ManifestEntry } from './manifest.ts';
import type { Long } from './ocf.ts';

/** The manifest list entry fields an entry inherits from. */
export interface InheritFrom {
  sequenceNumber: Long;
  addedSnapshotId: Long;
}

/** A manifest entry with the numbers it inherits filled in. */
export interface InheritedEntry {
  status: EntryStatus;
  snapshotId: bigint;
  dataSequenceNumber: bigint;
  fileSequenceNumber: bigint;
  file: DataFile;
}

/**
 * An entry's snapshot id and sequence numbers per the spec's inheritance rules: a null snapshot id is the manifest
 * list entry's `added_snapshot_id`; a null sequence number of an ADDED entry is the list entry's sequence number. An
 * EXISTING or DELETED entry carries its own; a null there (v1 manifests) counts as 0, as v1 data has sequence number 0.
 *
 * @example inheritEntry(entry, { sequenceNumber: 7, addedSnapshotId: 42n }).dataSequenceNumber // 7n for an ADDED entry without one
 */
export function inheritEntry(entry: ManifestEntry, manifest: InheritFrom): InheritedEntry {
  const added = entry.status === EntryStatus.ADDED;
  const seq = (v: Long | null) => BigInt(v ?? (added ? manifest.sequenceNumber : 0));
  return {
    status: entry.status,
    snapshotId: BigInt(entry.snapshotId ?? manifest.addedSnapshotId),
    dataSequenceNumber: seq(entry.sequenceNumber),
    fileSequenceNumber: seq(entry.fileSequenceNumber),
    file: entry.dataFile,
  };
}

/**
 * The live (ADDED or EXISTING) entries of a manifest, with inherited numbers: what every reader of a snapshot's files
 * (scan planning, the data preview, the engine) takes from a decoded manifest.
 *
 * @example liveEntries(decodeManifest(buf).entries, manifestListEntry).map((e) => e.dataSequenceNumber)
 */
export function liveEntries(entries: readonly ManifestEntry[], manifest: InheritFrom): InheritedEntry[] {
  return entries.filter((e) => e.status !== EntryStatus.DELETED).map((e) => inheritEntry(e, manifest));
}
