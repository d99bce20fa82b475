import {
  decodeManifest,
  decodeManifestList,
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

/** Reads one manifest's live entries (status ≠ DELETED), applying the spec's inheritance rules. */
export async function readLiveEntries(m: ManifestFile): Promise<LiveFile[]> {
  const { entries } = decodeManifest(await readImmutable(m.manifestPath));
  return liveEntries(entries, m).map((e) => ({
    file: e.file,
    dataSequenceNumber: e.dataSequenceNumber,
    snapshotId: e.snapshotId,
    specId: m.partitionSpecId,
    manifestPath: m.manifestPath,
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
