import { randomBytes, randomUUID } from 'node:crypto';
import {
  assignFirstRowIds,
  danglingRefs,
  decodeManifest,
  decodeManifestList,
  duplicateKeyConflicts,
  encodeManifest,
  encodeManifestList,
  fieldTypes,
  historyProblem,
  historyBeyond,
  fileChangesOf,
  lineageToJudge,
  loadLineageLists,
  identifierFields,
  filterManifest,
  isolationLevel,
  liveFiles,
  nextMetadataLocation,
  partitionSummaries,
  planSnapshotReplay,
  planTableMerge,
  replayConflicts,
  replayedManifestList,
  replayIds,
  withReplayedSnapshots,
  withUnrecordedRemovals,
  joinReasons,
  reason,
  EntryStatus,
  FileContent,
  ManifestContent,
  type DecodedManifest,
  type FileChange,
  type MergeConflictReason,
  type ManifestEntry,
  type ManifestFile,
  type ReplayedSnapshot,
  type RowLineage,
  type Snapshot,
  type SnapshotManifest,
  type SnapshotReplay,
  type TableMetadata,
  type TargetChanges,
  uniqueKeyFields,
} from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import type { Content, IcebergTableContent, JournaledFile, KeyResolution } from '../../store/types.ts';
import { ioFor, readTableMetadata, writeNewFile, writeTableMetadata } from './metadata-io.ts';
import { tableContent } from './object-writes.ts';

type Deps = Pick<AppContext, 'warehouse' | 'warehouses' | 'locations'> & Partial<Pick<AppContext, 'fileJournal'>>;

/**
 * What a replay wrote: every location (removed again if the merge does not land), and those written without their
 * fsync (a local file warehouse on SQLite), whose bytes the merge's transaction journals as a commit's are.
 */
export interface ReplayWrites {
  locations: string[];
  journaled: JournaledFile[];
}

/**
 * A table change that cannot be replayed: its reasons, each with its kind (what git-sync decides on), joined by `; `
 * into the message that becomes the key's conflict reason.
 */
export class ReplayRefusal extends Error {
  readonly reasons: MergeConflictReason[];

  constructor(reasons: MergeConflictReason[]) {
    super(joinReasons(reasons).message);
    this.reasons = reasons;
  }

  get kinds(): MergeConflictReason['kind'][] {
    return this.reasons.map((r) => r.kind);
  }
}

/**
 * Replays the source's new snapshots of one table onto the target's current metadata (see `iceberg/src/merge/`):
 * reads the three metadata files and the manifests involved, validates row-level changes against what the target
 * did since the base, and (with `write`) writes the new manifests, manifest lists and metadata file, recording them in
 * `written` so that the caller can remove them if the merge does not land, or journal them with it. Throws
 * `ReplayRefusal` with the reason when the table cannot merge.
 *
 * @example await replayTable(ctx, base, source, target, true, written) // → { kind: 'resolved', value, summary }
 */
export async function replayTable(
  ctx: Deps,
  base: IcebergTableContent,
  source: IcebergTableContent,
  target: IcebergTableContent,
  write: boolean,
  written: ReplayWrites,
): Promise<KeyResolution> {
  const [b, s, t] = await Promise.all([base, source, target].map((c) => readTableMetadata(ctx, c.metadataLocation)));
  // Lineage lists kept in side files are read first, so the plan stays pure; ioFor confines each read to the
  // catalog's storage (and lineageToJudge to the table's folder). A file that is gone or does not verify is unknown
  // lineage (its snapshot replays as any append), never a failed merge.
  const lists = await loadLineageLists(lineageToJudge(b, s, t), (location) => ioFor(ctx, location).read(location));
  const plan = planTableMerge(b, s, t, lists);
  if (plan.conflicts.length > 0) throw new ReplayRefusal(plan.conflicts);
  const io = new ReplayIO(ctx, t.location, t['format-version'] >= 3 ? 3 : 2, write, written);
  const ids = replayIds(plan.snapshots, t, randomSnapshotId);
  const current = t.snapshots.find((x) => x['snapshot-id'] === t['current-snapshot-id']);
  let parentManifests = current?.['manifest-list'] ? await io.manifestList(current['manifest-list']) : [];
  let parentId = t['current-snapshot-id'];
  let sequence = t['last-sequence-number'];
  let nextRowId = t['next-row-id'] ?? 0;
  let targetChanges: TargetChanges | undefined;
  const replayed: ReplayedSnapshot[] = [];
  const stats = { snapshots: 0, addedFiles: 0, addedRows: 0, removedFiles: 0 };
  for (const [i, snapshot] of plan.snapshots.entries()) {
    const id = ids[i];
    const { plan: r, parentLive } = await planReplay(io, [s, b, t], snapshot, id);
    const seq = t['format-version'] === 1 ? 0 : ++sequence;
    let parent = parentManifests;
    // An upsert that met only new keys is an append, but one that declares its unique key is still checked against
    // the rows the target added: replayed blindly it would leave two rows for a key (the engine then rebuilds it).
    const key = uniqueKeyFields(s, snapshot);
    if (r.removed.size > 0 || key.size > 0 || r.added.some((c) => c.entry.dataFile.content !== FileContent.DATA)) {
      targetChanges ??= await changesSinceBase(io, t, b);
      const live = liveFiles(await io.withEntries(parentManifests));
      // Position deletes on either side are judged by the data files they point at: live on the target or on the
      // source before this snapshot.
      const context = {
        types: fieldTypes(plan.metadata),
        identifiers: identifierFields(plan.metadata),
        files: new Map([...parentLive, ...live]),
      };
      const isolation = isolationLevel(plan.metadata.properties);
      const why = [
        ...replayConflicts(r, new Set(live.keys()), targetChanges, isolation, context),
        ...duplicateKeyConflicts(r, key, targetChanges, context.types),
      ];
      if (why.length > 0) {
        // The snapshot is named once, before its first reason: the message reads as before, one kind per reason.
        const [first, ...rest] = why;
        const head = reason(first.kind, `snapshot ${snapshot['snapshot-id']} (${r.operation}): ${first.message}`);
        throw new ReplayRefusal([head, ...rest]);
      }
      parent = await withoutRemoved(io, parentManifests, new Set(r.removed.keys()), id, seq);
    }
    const added = [...r.reuse];
    for (const group of r.rewrite) added.push(await io.writeManifest(group.from, group.entries, id));
    let list = replayedManifestList(added, parent, seq, id);
    let rowLineage: RowLineage | undefined;
    if (t['format-version'] >= 3) {
      ({ list, lineage: rowLineage } = assignFirstRowIds(list, nextRowId));
      nextRowId = rowLineage.firstRowId + rowLineage.addedRows;
    }
    const meta = { snapshotId: id, parentSnapshotId: parentId, seq, firstRowId: rowLineage?.firstRowId };
    const manifestList = await io.writeManifestList(list, meta);
    replayed.push({ source: withoutWholeTableKeys(snapshot), snapshotId: id, manifestList, rowLineage });
    parentManifests = list;
    parentId = id;
    stats.snapshots++;
    stats.addedFiles += r.addedFiles;
    stats.addedRows += r.addedRows;
    stats.removedFiles += r.removedFiles;
  }
  const md = withReplayedSnapshots(plan.metadata, replayed, Date.now());
  const dangling = danglingRefs(md);
  if (dangling.length > 0) {
    const why = `table refs ${dangling.join(', ')} would point at snapshots that are not merged`;
    throw new ReplayRefusal([reason('dangling-table-refs', why)]);
  }
  let location = nextMetadataLocation(md.location, target.metadataLocation, randomUUID());
  if (write) {
    const previous = { location: target.metadataLocation, lastUpdatedMs: t['last-updated-ms'] };
    const file = await writeTableMetadata(ctx, md, previous, { journal: true });
    location = file.location;
    written.locations.push(location);
    if (file.journaled) written.journaled.push(file.journaled);
  }
  const value = { ...tableContent(location, md), id: target.id } as Content;
  return { kind: 'resolved', value, summary: summaryOf(stats, plan.carried), stats, files: written.journaled };
}

/** "replayed 2 snapshots, +3 files, +1,200 rows, -1 file; from the source: schema". */
function summaryOf(
  stats: { snapshots: number; addedFiles: number; addedRows: number; removedFiles: number },
  carried: string[],
): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const plural = (x: number, word: string) => `${n(x)} ${word}${x === 1 ? '' : 's'}`;
  let text = `replayed ${plural(stats.snapshots, 'snapshot')}, +${plural(stats.addedFiles, 'file')}, +${plural(stats.addedRows, 'row')}`;
  if (stats.removedFiles > 0) text += `, -${plural(stats.removedFiles, 'file')}`;
  if (carried.length > 0) text += `; from the source: ${carried.join(', ')}`;
  return text;
}

/**
 * Reads one source snapshot's manifests and plans its replay. A snapshot that is not an append is compared with its
 * parent's live files (for files it dropped without recording them); the parent is looked up in the source, then in
 * the base and target metadata (the base snapshot may have been expired on the source but kept elsewhere).
 */
async function planReplay(
  io: ReplayIO,
  histories: TableMetadata[],
  snapshot: Snapshot,
  id: bigint,
): Promise<{ plan: SnapshotReplay; parentLive: Map<string, FileChange> }> {
  const own = snapshot['snapshot-id'];
  if (!snapshot['manifest-list']) unreplayable(`snapshot ${own} has no manifest list`);
  const operation = snapshot.summary['operation'] ?? 'append';
  const list = await io.manifestList(snapshot['manifest-list']);
  // An append changes only its own manifests; anything else may have dropped files anywhere, so read them all.
  const readAll = operation !== 'append';
  const manifests = await Promise.all(
    list.map(async (file) =>
      readAll || BigInt(file.addedSnapshotId) === own
        ? { file, entries: (await io.manifest(file.manifestPath)).entries }
        : { file },
    ),
  );
  const r = planSnapshotReplay(snapshot, manifests, id);
  if (r.kind === 'refused') unreplayable(r.reason);
  if (!readAll) return { plan: r, parentLive: new Map() };
  const parentId = snapshot['parent-snapshot-id'] ?? null;
  const parent = histories.flatMap((md) => md.snapshots).find((x) => x['snapshot-id'] === parentId);
  if (parentId !== null && !parent?.['manifest-list']) {
    unreplayable(
      `snapshot ${own} (${operation}): its parent snapshot ${parentId} was expired, so the files it removed cannot be read`,
    );
  }
  const parentManifests = parent?.['manifest-list'] ? await io.manifestList(parent['manifest-list']) : [];
  const parentLive = liveFiles(await io.withEntries(parentManifests));
  const live = new Set(liveFiles(manifests as Array<Required<SnapshotManifest>>).keys());
  return { plan: withUnrecordedRemovals(r, parentLive, live), parentLive };
}

function unreplayable(message: string): never {
  throw new ReplayRefusal([reason('unreplayable-snapshot', message)]);
}

/** The files the target's snapshots since the base added and removed (what a replayed row-level change must not miss). */
async function changesSinceBase(io: ReplayIO, t: TableMetadata, base: TableMetadata): Promise<TargetChanges> {
  const history = historyBeyond(t, base);
  if (history.kind !== 'found') {
    throw new ReplayRefusal([
      reason('history-rewritten', historyProblem('target', history, base['current-snapshot-id'])!),
    ]);
  }
  const out: TargetChanges = { added: [], removed: [] };
  for (const s of history.snapshots) {
    if (!s['manifest-list']) continue;
    for (const file of await io.manifestList(s['manifest-list'])) {
      if (BigInt(file.addedSnapshotId) !== s['snapshot-id']) continue;
      const c = fileChangesOf(file, (await io.manifest(file.manifestPath)).entries, s['snapshot-id']);
      out.added.push(...c.added);
      out.removed.push(...c.removed);
    }
  }
  return out;
}

/** The parent's manifests with the removed files marked DELETED (only the manifests holding them are rewritten). */
async function withoutRemoved(
  io: ReplayIO,
  manifests: ManifestFile[],
  removed: Set<string>,
  id: bigint,
  seq: number,
): Promise<ManifestFile[]> {
  const out: ManifestFile[] = [];
  for (const m of manifests) {
    const { entries, partitionType } = await io.manifest(m.manifestPath);
    if (!entries.some((e) => e.status !== EntryStatus.DELETED && removed.has(e.dataFile.filePath))) {
      out.push(m);
      continue;
    }
    const filtered = filterManifest(m, entries, removed, id, partitionType);
    const written = await io.writeManifest(m, filtered.entries, id);
    out.push({
      ...filtered.file,
      manifestPath: written.manifestPath,
      manifestLength: written.manifestLength,
      sequenceNumber: seq,
    });
  }
  return out;
}

/** Reads (with a cache) and writes the Avro files of one table's replay; records what it wrote. */
class ReplayIO {
  private readonly manifests = new Map<string, Promise<DecodedManifest>>();
  private readonly location: string;

  constructor(
    private readonly ctx: Deps,
    tableLocation: string,
    private readonly formatVersion: 2 | 3,
    private readonly write: boolean,
    private readonly written: ReplayWrites,
  ) {
    this.location = tableLocation.replace(/\/+$/, '');
  }

  async manifestList(path: string): Promise<ManifestFile[]> {
    return decodeManifestList(await ioFor(this.ctx, path).read(path)).manifests;
  }

  /** Every manifest of a list with its entries. */
  withEntries(list: ManifestFile[]): Promise<Array<Required<SnapshotManifest>>> {
    return Promise.all(list.map(async (file) => ({ file, entries: (await this.manifest(file.manifestPath)).entries })));
  }

  manifest(path: string): Promise<DecodedManifest> {
    let m = this.manifests.get(path);
    if (!m) {
      m = ioFor(this.ctx, path)
        .read(path)
        .then((buf) => decodeManifest(buf));
      this.manifests.set(path, m);
    }
    return m;
  }

  /** A new manifest with `entries`, written with the schema, spec and content of manifest `like`. */
  async writeManifest(like: ManifestFile, entries: ManifestEntry[], snapshotId: bigint): Promise<ManifestFile> {
    const original = await this.manifest(like.manifestPath);
    const path = `${this.location}/metadata/${randomUUID()}-m0.avro`;
    const buf = encodeManifest(entries, {
      schema: JSON.parse(original.metadata['schema'] ?? '{}') as { 'schema-id'?: number },
      partitionSpec: {
        'spec-id': like.partitionSpecId,
        fields: JSON.parse(original.metadata['partition-spec'] ?? '[]') as unknown[],
      },
      partitionType: original.partitionType,
      content: like.content === ManifestContent.DELETES ? 'deletes' : 'data',
      formatVersion: this.formatVersion,
    });
    await this.put(path, buf);
    const added = entries.filter((e) => e.status === EntryStatus.ADDED);
    return {
      manifestPath: path,
      manifestLength: buf.length,
      partitionSpecId: like.partitionSpecId,
      content: like.content,
      sequenceNumber: 0, // numbered by the manifest list it is listed in
      minSequenceNumber: 0,
      addedSnapshotId: snapshotId,
      addedFilesCount: added.length,
      existingFilesCount: 0,
      deletedFilesCount: 0,
      addedRowsCount: added.reduce((n, e) => n + Number(e.dataFile.recordCount), 0),
      existingRowsCount: 0,
      deletedRowsCount: 0,
      partitions: partitionSummaries(original.partitionType, entries),
    };
  }

  /** Writes a manifest list; a v3 one (with row ids) when `meta.firstRowId` is given. */
  async writeManifestList(
    list: ManifestFile[],
    meta: { snapshotId: bigint; parentSnapshotId: bigint | null; seq: number; firstRowId?: number },
  ): Promise<string> {
    const path = `${this.location}/metadata/snap-${meta.snapshotId}-1-${randomUUID()}.avro`;
    const buf = encodeManifestList(list, {
      snapshotId: meta.snapshotId,
      parentSnapshotId: meta.parentSnapshotId,
      sequenceNumber: meta.seq,
      ...(meta.firstRowId !== undefined ? { formatVersion: 3 as const, firstRowId: meta.firstRowId } : {}),
    });
    await this.put(path, buf);
    return path;
  }

  private async put(path: string, buf: Buffer): Promise<void> {
    if (!this.write) return;
    this.written.locations.push(path);
    const io = await this.ctx.locations.storageForWrite(path, 'Manifest file');
    const journaled = await writeNewFile(this.ctx, io, path, buf, { journal: true });
    if (journaled) this.written.journaled.push(journaled);
  }
}

/** Iceberg snapshot ids are positive 63-bit numbers. */
function randomSnapshotId(): bigint {
  return BigInt.asUintN(63, randomBytes(8).readBigUInt64BE()) || 1n;
}

/**
 * Summary keys that describe the table's whole content rather than the change (the engine's fingerprint of a model's
 * result): true of the source's table, not of the target the change is replayed onto, so they are dropped, as totals
 * that cannot be recomputed are. Otherwise a later run would find "its" content already there and skip a write.
 */
const WHOLE_TABLE_SUMMARY_KEYS = ['rat.content-fingerprint'];

function withoutWholeTableKeys(snapshot: Snapshot): Snapshot {
  if (!WHOLE_TABLE_SUMMARY_KEYS.some((k) => k in snapshot.summary)) return snapshot;
  const summary = { ...snapshot.summary };
  for (const k of WHOLE_TABLE_SUMMARY_KEYS) delete summary[k];
  return { ...snapshot, summary };
}
