import { EntryStatus, type ManifestEntry } from '../avro/manifest.ts';
import { ManifestContent, type ManifestFile } from '../avro/manifest-list.ts';
import type { Snapshot } from '../model/parts.ts';

/** A manifest of a source snapshot's list; `entries` are read for the manifests that snapshot wrote. */
export interface SnapshotManifest {
  file: ManifestFile;
  entries?: ManifestEntry[];
}

/** How one appended source snapshot is carried onto the target. */
export interface AppendReplay {
  kind: 'append';
  /** The snapshot's own manifests that can be listed again as they are (only new files, inherited numbers). */
  reuse: ManifestFile[];
  /** Added entries of manifests that also carry older files (merge append): written again, grouped by spec id. */
  rewrite: Map<number, ManifestEntry[]>;
  addedFiles: number;
  addedRows: number;
}

export type SnapshotReplay = AppendReplay | { kind: 'refused'; reason: string };

/** Snapshot operations that only add data files: they replay onto any target without validation. */
const APPEND_OPERATIONS = new Set(['append']);

/**
 * Decides how an `append` snapshot of the source replays onto the target: the manifests it wrote are listed again in
 * the new manifest list when every entry in them is a file it added and inherits its snapshot id and sequence numbers
 * (a fast append); otherwise (a merge append folds older files into the same manifest) only its added entries are
 * written again. `snapshotId` is the id the replayed snapshot will have. Other operations are refused here.
 *
 * @example planAppendReplay(snapshot, manifests, snapshot['snapshot-id']) // → { kind: 'append', reuse: [m], ... }
 */
export function planAppendReplay(
  snapshot: Snapshot,
  manifests: SnapshotManifest[],
  snapshotId: bigint,
): SnapshotReplay {
  const own = snapshot['snapshot-id'];
  const operation = snapshot.summary['operation'] ?? 'append';
  if (!APPEND_OPERATIONS.has(operation)) {
    return { kind: 'refused', reason: `snapshot ${own} is a "${operation}", not an append` };
  }
  const plan: AppendReplay = { kind: 'append', reuse: [], rewrite: new Map(), addedFiles: 0, addedRows: 0 };
  for (const m of manifests) {
    if (BigInt(m.file.addedSnapshotId) !== own) continue; // written by an earlier snapshot: the target has it already
    if (!m.entries) return { kind: 'refused', reason: `manifest ${m.file.manifestPath} was not read` };
    if (m.file.content !== ManifestContent.DATA) {
      return { kind: 'refused', reason: `append snapshot ${own} wrote delete files (${m.file.manifestPath})` };
    }
    const added = m.entries.filter((e) => e.status === EntryStatus.ADDED && ownedBy(e, own));
    if (m.entries.some((e) => e.status === EntryStatus.DELETED)) {
      return { kind: 'refused', reason: `append snapshot ${own} removed files (${m.file.manifestPath})` };
    }
    plan.addedFiles += added.length;
    plan.addedRows += added.reduce((n, e) => n + Number(e.dataFile.recordCount), 0);
    const reusable =
      added.length === m.entries.length &&
      added.every((e) => inherits(e) && (e.snapshotId === null || BigInt(e.snapshotId) === snapshotId));
    if (reusable) plan.reuse.push(m.file);
    else if (added.length > 0) {
      const group = plan.rewrite.get(m.file.partitionSpecId) ?? [];
      group.push(...added.map((e) => ({ ...e, snapshotId: null, sequenceNumber: null, fileSequenceNumber: null })));
      plan.rewrite.set(m.file.partitionSpecId, group);
    }
  }
  return plan;
}

function ownedBy(e: ManifestEntry, id: bigint): boolean {
  return e.snapshotId === null || BigInt(e.snapshotId) === id;
}

/** An added entry whose data and file sequence numbers come from the manifest list (so a new list renumbers it). */
function inherits(e: ManifestEntry): boolean {
  return e.sequenceNumber === null && e.fileSequenceNumber === null;
}

/**
 * The manifest list of a replayed snapshot: its new manifests first, numbered with the new sequence number and
 * snapshot id, then every manifest of the snapshot it now follows (the target's current one, or the previous replay).
 *
 * @example replayedManifestList([m], parentManifests, 7, 42n) // → [m with sequence 7, ...parentManifests]
 */
export function replayedManifestList(
  added: ManifestFile[],
  parent: ManifestFile[],
  sequenceNumber: number,
  snapshotId: bigint,
): ManifestFile[] {
  const renumbered = added.map((m) => ({
    ...m,
    sequenceNumber,
    minSequenceNumber: sequenceNumber,
    addedSnapshotId: snapshotId,
  }));
  return [...renumbered, ...parent];
}
