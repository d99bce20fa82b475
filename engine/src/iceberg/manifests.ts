import {
  decodeManifest,
  decodeManifestList,
  EntryStatus,
  liveEntries,
  type DataFile,
  type Long,
  type ManifestFile,
  type TableMetadata,
} from '@ratatouille/iceberg';
import { readImmutable } from './files.ts';

/** A live file of a snapshot with its inherited sequence number and snapshot id resolved. */
export interface LiveFile {
  file: DataFile;
  dataSequenceNumber: bigint;
  snapshotId: Long;
  specId: number;
  manifestPath: string;
  /** Format version 3: the id of the file's first row, its own or inherited from its manifest's (row lineage). */
  firstRowId?: bigint;
}

/** The snapshot a branch of the table (Iceberg ref, normally `main`) points at, or `undefined` when empty. */
export function refSnapshot(md: TableMetadata, ref = 'main') {
  const id = md.refs[ref]?.['snapshot-id'] ?? (ref === 'main' ? md['current-snapshot-id'] : null);
  if (id === null || id === undefined) return undefined;
  return md.snapshots.find((s) => BigInt(s['snapshot-id']) === BigInt(id));
}

export async function readManifestList(location: string): Promise<ManifestFile[]> {
  return decodeManifestList(await readImmutable(location)).manifests;
}

/**
 * Reads one manifest's live entries (status ≠ DELETED), applying the spec's inheritance rules, the first row id
 * included: a data file without one of its own takes its manifest's plus the rows of the files before it that have
 * none (v3 row lineage; undefined where the manifest has no first row id).
 */
export async function readLiveEntries(m: ManifestFile): Promise<LiveFile[]> {
  const { entries } = decodeManifest(await readImmutable(m.manifestPath));
  let next = m.firstRowId === undefined || m.firstRowId === null ? undefined : BigInt(m.firstRowId);
  const firstRowIds = new Map<DataFile, bigint>();
  for (const e of entries) {
    if (e.status === EntryStatus.DELETED || e.dataFile.content !== 0) continue;
    const own = e.dataFile.firstRowId;
    if (own !== undefined && own !== null) firstRowIds.set(e.dataFile, BigInt(own));
    else if (next !== undefined) {
      firstRowIds.set(e.dataFile, next);
      next += BigInt(e.dataFile.recordCount);
    }
  }
  return liveEntries(entries, m).map((e) => ({
    file: e.file,
    dataSequenceNumber: e.dataSequenceNumber,
    snapshotId: e.snapshotId,
    specId: m.partitionSpecId,
    manifestPath: m.manifestPath,
    ...(firstRowIds.has(e.file) ? { firstRowId: firstRowIds.get(e.file)! } : {}),
  }));
}

/** All live data and delete files of a table branch's current snapshot. */
export async function liveFiles(md: TableMetadata, ref = 'main'): Promise<LiveFile[]> {
  const snap = refSnapshot(md, ref);
  if (!snap?.['manifest-list']) return [];
  const manifests = await readManifestList(snap['manifest-list']);
  const all = await Promise.all(manifests.map(readLiveEntries));
  return all.flat();
}
