import {
  decodeManifest,
  decodeManifestList,
  EntryStatus,
  type Snapshot,
  type TableMetadata,
} from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { ioFor, readTableMetadata } from '../iceberg/metadata-io.ts';

type Ctx = Pick<AppContext, 'locations'>;

/**
 * Reads the files one table metadata file references, caching by immutable file (manifest lists and manifests never
 * change once written), so marking many versions of a table reads each manifest once.
 */
export class TableFileReader {
  readonly #ctx: Ctx;
  readonly #manifestLists = new Map<string, Promise<string[]>>();
  readonly #manifests = new Map<string, Promise<{ live: string[]; removed: string[] }>>();
  /**
   * Metadata files outside the catalog's storage that some content points at (possible only through raw content
   * commits of the management API): never read, never deleted, reported by GC.
   */
  readonly foreign = new Set<string>();

  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /**
   * Every file the table metadata at `location` references: the file itself, earlier metadata files in its log,
   * statistics, each snapshot's manifest list and manifests, and the data and delete files those hold. Files that
   * manifests list as DELETED are only included with `removedToo` (a dropped table's own leftovers), since no
   * reader of a kept snapshot reads them.
   */
  async filesOf(
    location: string,
    opts: { removedToo?: boolean; snapshots?: SnapshotScope } = {},
  ): Promise<Set<string>> {
    const out = new Set<string>([location]);
    if (!this.#ctx.locations.contains(location)) {
      this.foreign.add(location);
      return out;
    }
    let md: TableMetadata;
    try {
      md = await readTableMetadata(this.#ctx, location, { copy: false });
    } catch (err) {
      if (!(await ioFor(this.#ctx, location).exists(location))) return out;
      throw err;
    }
    for (const f of metadataReferencedFiles(md)) out.add(f);
    const kept = opts.snapshots === 'refs' ? snapshotsAtRefs(md) : md.snapshots;
    for (const list of manifestListsOf(kept)) {
      out.add(list);
      for (const manifest of await this.#readManifestList(list)) {
        out.add(manifest);
        const files = await this.#readManifest(manifest);
        for (const f of files.live) out.add(f);
        if (opts.removedToo) for (const f of files.removed) out.add(f);
      }
    }
    for (const manifest of v1ManifestsOf(kept)) {
      out.add(manifest);
      const files = await this.#readManifest(manifest);
      for (const f of files.live) out.add(f);
      if (opts.removedToo) for (const f of files.removed) out.add(f);
    }
    return out;
  }

  #readManifestList(location: string): Promise<string[]> {
    let p = this.#manifestLists.get(location);
    if (!p) {
      p = this.#read(location).then((buf) => (buf ? decodeManifestList(buf).manifests.map((m) => m.manifestPath) : []));
      this.#manifestLists.set(location, p);
    }
    return p;
  }

  #readManifest(location: string): Promise<{ live: string[]; removed: string[] }> {
    let p = this.#manifests.get(location);
    if (!p) {
      p = this.#read(location).then((buf) => {
        const live: string[] = [];
        const removed: string[] = [];
        for (const e of buf ? decodeManifest(buf).entries : []) {
          (e.status === EntryStatus.DELETED ? removed : live).push(e.dataFile.filePath);
        }
        return { live, removed };
      });
      this.#manifests.set(location, p);
    }
    return p;
  }

  /** A file already gone (deleted by a client, or by an earlier interrupted sweep) references nothing more. */
  async #read(location: string): Promise<Buffer | undefined> {
    try {
      return await ioFor(this.#ctx, location).read(location);
    } catch (err) {
      if (
        (err as { code?: string }).code === 'ENOENT' ||
        (err as { code?: string }).code === 'STORAGE_OBJECT_NOT_FOUND'
      )
        return undefined;
      throw err;
    }
  }
}

/** Files named directly in table metadata: earlier metadata files, statistics and partition statistics. */
function metadataReferencedFiles(md: TableMetadata): string[] {
  return [
    ...md['metadata-log'].map((e) => e['metadata-file']),
    ...md.statistics.map((s) => s['statistics-path']),
    ...md['partition-statistics'].map((s) => s['statistics-path']),
  ];
}

/**
 * Which snapshots of a kept table version keep their files: `all` (every snapshot its metadata lists, so Iceberg's own
 * time travel keeps working) or `refs` (only the heads of the table's branches and tags: each kept catalog commit then
 * reads its own current snapshot, as Nessie's GC decides; older Iceberg snapshots become unreadable once collected).
 */
export type SnapshotScope = 'all' | 'refs';

function snapshotsAtRefs(md: TableMetadata): Snapshot[] {
  const ids = new Set(Object.values(md.refs ?? {}).map((r) => String(r['snapshot-id'])));
  if (md['current-snapshot-id'] !== null && md['current-snapshot-id'] !== undefined)
    ids.add(String(md['current-snapshot-id']));
  return md.snapshots.filter((s) => ids.has(String(s['snapshot-id'])));
}

function manifestListsOf(snapshots: Snapshot[]): string[] {
  return snapshots.flatMap((s) => (s['manifest-list'] ? [s['manifest-list']] : []));
}

/** Format v1 snapshots may list their manifests inline instead of in a manifest list. */
function v1ManifestsOf(snapshots: Snapshot[]): string[] {
  return snapshots.flatMap((s) => {
    const inline = (s as { manifests?: unknown }).manifests;
    return !s['manifest-list'] && Array.isArray(inline) ? inline.filter((m): m is string => typeof m === 'string') : [];
  });
}
