import { randomBytes, randomUUID } from 'node:crypto';
import {
  decodeManifest,
  decodeManifestList,
  encodeManifest,
  encodeManifestList,
  mergeByKey,
  nextMetadataLocation,
  planAppendReplay,
  planTableMerge,
  replayedManifestList,
  replayIds,
  withReplayedSnapshots,
  EntryStatus,
  type DecodedManifest,
  type ManifestEntry,
  type ManifestFile,
  type ReplayedSnapshot,
  type SnapshotManifest,
  type TableMetadata,
} from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import type {
  Content,
  IcebergTableContent,
  KeyResolution,
  MergeResolver,
  NamespaceContent,
} from '../../store/types.ts';
import { discardMetadata, ioFor, readTableMetadata, writeTableMetadata } from './metadata-io.ts';
import { tableContent } from './tables.ts';

type Deps = Pick<AppContext, 'warehouse' | 'warehouses'>;

/** A table change that cannot be replayed; its message becomes the key's conflict reason. */
class Refusal extends Error {}

/**
 * The content-aware merge for Iceberg: a table that the source and the target both changed since the merge base
 * gets the source's new snapshots replayed on top of the target's current snapshot, the way a writer retries after
 * a concurrent commit (pure rules in `@ratatouille/iceberg` `merge/`); namespaces merge their properties key by key.
 * It writes the new manifest lists (and manifests where a merge append mixed old and new files) and one metadata
 * file per table, and deletes them again when the merge does not land.
 *
 * @example await ctx.store.merge({ fromRefName: 'b', toBranch: 'main', resolver: icebergMergeResolver(ctx) })
 */
export function icebergMergeResolver(ctx: Deps): MergeResolver {
  const written = new WeakMap<KeyResolution, string[]>();
  return {
    async resolve(k, { write }) {
      const name = k.key.elements.join('.');
      const { base, source, target } = k;
      if (base?.type === 'NAMESPACE' && source?.type === 'NAMESPACE' && target?.type === 'NAMESPACE') {
        return mergeNamespace(base, source, target);
      }
      if (base?.type !== 'ICEBERG_TABLE' || source?.type !== 'ICEBERG_TABLE' || target?.type !== 'ICEBERG_TABLE') {
        return { kind: 'conflict', message: `"${name}" was changed on both sides` };
      }
      if (source.id !== target.id) {
        return { kind: 'conflict', message: `"${name}" is a different table on each side (dropped and re-created)` };
      }
      const files: string[] = [];
      try {
        const r = await replayTable(ctx, base, source, target, write, files);
        written.set(r, files);
        return r;
      } catch (err) {
        await removeAll(ctx, files);
        if (err instanceof Refusal) return { kind: 'conflict', message: `table "${name}": ${err.message}` };
        throw err;
      }
    },
    async discard(r) {
      await removeAll(ctx, written.get(r) ?? []);
      written.delete(r);
    },
  };
}

function mergeNamespace(base: NamespaceContent, source: NamespaceContent, target: NamespaceContent): KeyResolution {
  const m = mergeByKey(base.properties, source.properties, target.properties, (a, b) => a === b);
  if (m.conflicts.length > 0) {
    const keys = m.conflicts.map((c) => `"${c}"`).join(', ');
    return { kind: 'conflict', message: `namespace property ${keys} set differently on both sides` };
  }
  const value: Content = { ...target, properties: m.merged };
  return { kind: 'resolved', value, summary: `merged properties (${m.carried.join(', ')} from the source)` };
}

async function replayTable(
  ctx: Deps,
  base: IcebergTableContent,
  source: IcebergTableContent,
  target: IcebergTableContent,
  write: boolean,
  files: string[],
): Promise<KeyResolution> {
  const [b, s, t] = await Promise.all([base, source, target].map((c) => readTableMetadata(ctx, c.metadataLocation)));
  const plan = planTableMerge(b, s, t);
  if (plan.conflicts.length > 0) throw new Refusal(plan.conflicts.join('; '));
  const ids = replayIds(plan.snapshots, t, randomSnapshotId);
  const current = t.snapshots.find((x) => x['snapshot-id'] === t['current-snapshot-id']);
  let parentManifests = current?.['manifest-list'] ? await readManifestList(ctx, current['manifest-list']) : [];
  let parentId = t['current-snapshot-id'];
  let sequence = t['last-sequence-number'];
  const replayed: ReplayedSnapshot[] = [];
  const stats = { snapshots: 0, addedFiles: 0, addedRows: 0 };
  for (const [i, snapshot] of plan.snapshots.entries()) {
    const id = ids[i];
    if (!snapshot['manifest-list']) throw new Refusal(`snapshot ${snapshot['snapshot-id']} has no manifest list`);
    const own = snapshot['snapshot-id'];
    const decoded = new Map<number, DecodedManifest>(); // by spec id: the schema and spec a rewrite writes with
    const manifests: SnapshotManifest[] = await Promise.all(
      (await readManifestList(ctx, snapshot['manifest-list'])).map(async (file) => {
        if (BigInt(file.addedSnapshotId) !== own) return { file };
        const m = decodeManifest(await ioFor(ctx, file.manifestPath).read(file.manifestPath));
        decoded.set(file.partitionSpecId, m);
        return { file, entries: m.entries };
      }),
    );
    const r = planAppendReplay(snapshot, manifests, id);
    if (r.kind === 'refused') throw new Refusal(r.reason);
    const seq = t['format-version'] === 1 ? 0 : ++sequence;
    const added = [...r.reuse];
    for (const [specId, entries] of r.rewrite) {
      added.push(await rewriteManifest(ctx, t, specId, decoded.get(specId)!, entries, id, write, files));
    }
    const list = replayedManifestList(added, parentManifests, seq, id);
    const location = `${t.location.replace(/\/+$/, '')}/metadata/snap-${id}-1-${randomUUID()}.avro`;
    if (write) {
      files.push(location);
      await ioFor(ctx, location).write(
        location,
        encodeManifestList(list, { snapshotId: id, parentSnapshotId: parentId, sequenceNumber: seq }),
        { ifAbsent: true },
      );
    }
    replayed.push({ source: snapshot, snapshotId: id, manifestList: location });
    parentManifests = list;
    parentId = id;
    stats.snapshots++;
    stats.addedFiles += r.addedFiles;
    stats.addedRows += r.addedRows;
  }
  const md = withReplayedSnapshots(plan.metadata, replayed, Date.now());
  const location = write
    ? await writeMetadata(ctx, md, target, t, files)
    : nextMetadataLocation(md.location, target.metadataLocation, randomUUID());
  const value = { ...tableContent(location, md), id: target.id } as Content;
  const carried = plan.carried.length > 0 ? `; from the source: ${plan.carried.join(', ')}` : '';
  const summary =
    `replayed ${stats.snapshots} snapshot${stats.snapshots === 1 ? '' : 's'}, ` +
    `+${stats.addedFiles.toLocaleString('en-US')} files, +${stats.addedRows.toLocaleString('en-US')} rows${carried}`;
  return { kind: 'resolved', value, summary, stats };
}

async function writeMetadata(
  ctx: Deps,
  md: TableMetadata,
  target: IcebergTableContent,
  t: TableMetadata,
  files: string[],
): Promise<string> {
  const { location } = await writeTableMetadata(ctx, md, {
    location: target.metadataLocation,
    lastUpdatedMs: t['last-updated-ms'],
  });
  files.push(location);
  return location;
}

/** Writes the added entries of a merge-append manifest as a new manifest (same schema and spec as the original). */
async function rewriteManifest(
  ctx: Deps,
  t: TableMetadata,
  specId: number,
  original: DecodedManifest,
  entries: ManifestEntry[],
  snapshotId: bigint,
  write: boolean,
  files: string[],
): Promise<ManifestFile> {
  const location = `${t.location.replace(/\/+$/, '')}/metadata/${randomUUID()}-m0.avro`;
  const buf = encodeManifest(
    entries.map((e) => ({ ...e, status: EntryStatus.ADDED })),
    {
      schema: JSON.parse(original.metadata['schema'] ?? '{}') as { 'schema-id'?: number },
      partitionSpec: {
        'spec-id': specId,
        fields: JSON.parse(original.metadata['partition-spec'] ?? '[]') as unknown[],
      },
      partitionType: original.partitionType,
      content: 'data',
    },
  );
  if (write) {
    files.push(location);
    await ioFor(ctx, location).write(location, buf, { ifAbsent: true });
  }
  return {
    manifestPath: location,
    manifestLength: buf.length,
    partitionSpecId: specId,
    content: 0, // data: an append that wrote delete files is refused before
    sequenceNumber: 0, // set by replayedManifestList
    minSequenceNumber: 0,
    addedSnapshotId: snapshotId,
    addedFilesCount: entries.length,
    existingFilesCount: 0,
    deletedFilesCount: 0,
    addedRowsCount: entries.reduce((n, e) => n + Number(e.dataFile.recordCount), 0),
    existingRowsCount: 0,
    deletedRowsCount: 0,
    partitions: null, // no partition summary: readers simply do not prune this manifest by it
  };
}

async function readManifestList(ctx: Deps, location: string): Promise<ManifestFile[]> {
  return decodeManifestList(await ioFor(ctx, location).read(location)).manifests;
}

/** Iceberg snapshot ids are positive 63-bit numbers. */
function randomSnapshotId(): bigint {
  return BigInt.asUintN(63, randomBytes(8).readBigUInt64BE()) || 1n;
}

async function removeAll(ctx: Deps, files: string[]): Promise<void> {
  for (const f of files) {
    if (f.endsWith('.metadata.json')) await discardMetadata(ctx, f);
    else
      await ioFor(ctx, f)
        .delete(f)
        .catch(() => undefined); // an unreferenced file is harmless
  }
}
