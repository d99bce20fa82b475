import { EntryStatus, type ManifestEntry } from '../avro/manifest.ts';
import { ManifestContent, type ManifestFile } from '../avro/manifest-list.ts';
import type { Snapshot } from '../model/parts.ts';

/** A manifest of a source snapshot's list; `entries` are read for the manifests that snapshot wrote. */
export interface SnapshotManifest {
  file: ManifestFile;
  entries?: ManifestEntry[];
}

/** A file entry together with the manifest it was read from (for its spec id and inherited numbers). */
export interface FileChange {
  entry: ManifestEntry;
  manifest: ManifestFile;
}

/** How one source snapshot is carried onto the target. */
export interface SnapshotReplay {
  kind: 'replay';
  operation: string;
  /** The snapshot replaced whole partitions (summary `replace-partitions`), whatever rows they held. */
  replacePartitions: boolean;
  /** The snapshot's own manifests that can be listed again as they are (only new files, inherited numbers). */
  reuse: ManifestFile[];
  /**
   * Added entries that must be written again, grouped by manifest (spec id and content): those of manifests that
   * also carry older or removed files (merge append, overwrite), or that name a snapshot id the replay cannot keep.
   */
  rewrite: Array<{ from: ManifestFile; entries: ManifestEntry[] }>;
  /** Paths of the data and delete files the snapshot removed; they must be live on the target to replay. */
  removed: Map<string, FileChange>;
  /** Files the snapshot added (data and delete files), for validation and the report. */
  added: FileChange[];
  addedFiles: number;
  addedRows: number;
  removedFiles: number;
}

export type SnapshotReplayPlan = SnapshotReplay | { kind: 'refused'; reason: string };

/** Snapshot operations whose file changes can be replayed (all Iceberg defines). */
const OPERATIONS = new Set(['append', 'overwrite', 'delete', 'replace']);

/**
 * Splits one source snapshot into what replays onto the target: the manifests it wrote are listed again when every
 * entry in them is a file it added that inherits its snapshot id and sequence numbers (a fast append); otherwise
 * (a merge append folds older files into the same manifest, an overwrite records removals next to additions) its
 * added entries are written again, and its removed files are collected for the caller to validate and remove from
 * the target's manifests. `snapshotId` is the id the replayed snapshot will have.
 *
 * @example planSnapshotReplay(snapshot, manifests, snapshot['snapshot-id']) // → { kind: 'replay', reuse: [m], ... }
 */
export function planSnapshotReplay(
  snapshot: Snapshot,
  manifests: SnapshotManifest[],
  snapshotId: bigint,
): SnapshotReplayPlan {
  const own = snapshot['snapshot-id'];
  const operation = snapshot.summary['operation'] ?? 'append';
  if (!OPERATIONS.has(operation)) {
    return { kind: 'refused', reason: `snapshot ${own} has an unknown operation "${operation}"` };
  }
  const plan: SnapshotReplay = {
    kind: 'replay',
    operation,
    replacePartitions: snapshot.summary['replace-partitions'] === 'true',
    reuse: [],
    rewrite: [],
    removed: new Map(),
    added: [],
    addedFiles: 0,
    addedRows: 0,
    removedFiles: 0,
  };
  for (const m of manifests) {
    if (BigInt(m.file.addedSnapshotId) !== own) continue; // written by an earlier snapshot: the target has it already
    if (!m.entries) return { kind: 'refused', reason: `manifest ${m.file.manifestPath} was not read` };
    const added = m.entries.filter((e) => e.status === EntryStatus.ADDED && ownedBy(e, own));
    for (const e of m.entries) {
      if (e.status === EntryStatus.DELETED && ownedBy(e, own)) {
        plan.removed.set(e.dataFile.filePath, { entry: e, manifest: m.file });
      }
    }
    if (operation === 'append' && (m.file.content !== ManifestContent.DATA || plan.removed.size > 0)) {
      return { kind: 'refused', reason: `snapshot ${own} is an "append" that removed files or added delete files` };
    }
    plan.added.push(...added.map((entry) => ({ entry, manifest: m.file })));
    if (m.file.content === ManifestContent.DATA) {
      plan.addedFiles += added.length;
      plan.addedRows += added.reduce((n, e) => n + Number(e.dataFile.recordCount), 0);
    }
    const reusable =
      added.length === m.entries.length &&
      added.every(
        (e) =>
          inherits(e) &&
          (e.dataFile.firstRowId ?? null) === null &&
          (e.snapshotId === null || BigInt(e.snapshotId) === snapshotId),
      );
    if (reusable) plan.reuse.push(m.file);
    else if (added.length > 0) {
      // Everything inherited comes from the new list entry, row ids (v3) included: the source's are of its numbering.
      const entries = added.map((e) => ({
        ...e,
        snapshotId: null,
        sequenceNumber: null,
        fileSequenceNumber: null,
        dataFile: { ...e.dataFile, firstRowId: null },
      }));
      plan.rewrite.push({ from: m.file, entries });
    }
  }
  plan.removedFiles = plan.removed.size;
  return plan;
}

/**
 * The live files (not DELETED) of a snapshot, by path, from all the manifests of its list (entries read).
 *
 * @example liveFiles(manifestsWithEntries).has('s3://b/t/data/a.parquet') // → true
 */
export function liveFiles(manifests: Array<Required<SnapshotManifest>>): Map<string, FileChange> {
  const live = new Map<string, FileChange>();
  for (const m of manifests) {
    for (const e of m.entries)
      if (e.status !== EntryStatus.DELETED) live.set(e.dataFile.filePath, { entry: e, manifest: m.file });
  }
  return live;
}

/**
 * Adds to a replay the files its snapshot dropped without recording them as DELETED entries (some writers simply
 * leave removed files out of the rewritten manifests): every file live in the parent snapshot and not in this one.
 *
 * @example withUnrecordedRemovals(plan, liveFiles(parentManifests), new Set(liveFiles(ownManifests).keys()))
 */
export function withUnrecordedRemovals(
  plan: SnapshotReplay,
  parentLive: Map<string, FileChange>,
  live: Set<string>,
): SnapshotReplay {
  const removed = new Map(plan.removed);
  for (const [path, c] of parentLive) if (!live.has(path) && !removed.has(path)) removed.set(path, c);
  return { ...plan, removed, removedFiles: removed.size };
}

function ownedBy(e: ManifestEntry, id: bigint): boolean {
  return e.snapshotId === null || BigInt(e.snapshotId) === id;
}

/**
 * An added entry whose data and file sequence numbers come from the manifest list (so a new list renumbers it); a v3
 * entry must inherit its first row id too (checked by the caller).
 */
function inherits(e: ManifestEntry): boolean {
  return e.sequenceNumber === null && e.fileSequenceNumber === null;
}

/**
 * The manifest list of a replayed snapshot: its new manifests first, numbered with the new sequence number and
 * snapshot id, then every manifest of the snapshot it now follows (the target's current one, or the previous replay;
 * already filtered of the files this snapshot removed).
 *
 * @example replayedManifestList([m], parentManifests, 7, 42n) // → [m with sequence 7, ...parentManifests]
 */
export function replayedManifestList(
  added: ManifestFile[],
  parent: ManifestFile[],
  sequenceNumber: number,
  snapshotId: bigint,
): ManifestFile[] {
  // Row ids the source's list gave its manifests are of the source's numbering: a v3 replay assigns new ones.
  const renumbered = added.map((m) => ({
    ...m,
    sequenceNumber,
    minSequenceNumber: sequenceNumber,
    addedSnapshotId: snapshotId,
    firstRowId: null,
  }));
  return [...renumbered, ...parent];
}
