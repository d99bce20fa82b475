import {
  decodeManifest,
  decodeManifestList,
  EntryStatus,
  IcebergFormatError,
  LINEAGE_LIST_PROPERTIES,
  lineageFilesOf,
  type Snapshot,
  type TableMetadata,
} from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { BadRequestError } from '../../errors/index.ts';
import { ioFor, readTableMetadata } from '../iceberg/metadata-io.ts';

type Ctx = Pick<AppContext, 'locations'>;

/** A file a table's metadata names that could not be read: kept, and reported, rather than failing the whole mark. */
export interface UnreadableFile {
  /** The file that could not be read. */
  location: string;
  /** The table metadata file through which it was reached (the file itself when the metadata is unreadable). */
  metadata: string;
  /** Why: the decoder's or the storage's message. */
  error: string;
}

/**
 * Reads the files one table metadata file references, caching by immutable file (manifest lists and manifests never
 * change once written), so marking many versions of a table reads each manifest once.
 *
 * Any writer can commit a snapshot whose manifest list is not Avro, or is a folder; one such file must not stop GC
 * or every other table's purge. A file whose content cannot be decoded, or that is a folder, is therefore kept (it is
 * in the set like every file the metadata names) and recorded in {@link unreadable}; what it would have named is
 * unknown, and no reader can reach it through that file either. Storage that fails (unavailable, access denied, an
 * I/O error) still fails the read: those files may be perfectly good, and marking on without them could delete what
 * they reference.
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
  /** Files that could not be read or decoded, by location (see the class comment). */
  readonly unreadable = new Map<string, UnreadableFile>();

  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /**
   * Every file the table metadata at `location` references: the file itself, earlier metadata files in its log,
   * statistics, each snapshot's manifest list and manifests, the side files holding its lineage lists (the engine's
   * `rat.ingest-files` / `rat.derived-from` when too long to sit in the summary: a merge reads them to judge the
   * snapshot, so they live exactly as long as it does), and the data and delete files those hold. Files that
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
    const md = await this.#readMetadata(location);
    if (!md) return out;
    for (const f of metadataReferencedFiles(md)) out.add(f);
    const kept = opts.snapshots === 'refs' ? snapshotsAtRefs(md) : md.snapshots;
    // Named, not read: only references of the side-file shape inside this table's folder count (see isLineageFileOf).
    for (const s of kept)
      for (const ref of lineageFilesOf(s, md.location, LINEAGE_LIST_PROPERTIES)) out.add(ref.location);
    const addManifest = async (manifest: string) => {
      out.add(manifest);
      const files = await this.#readManifest(manifest, location);
      for (const f of files.live) out.add(f);
      if (opts.removedToo) for (const f of files.removed) out.add(f);
    };
    for (const list of manifestListsOf(kept)) {
      out.add(list);
      for (const manifest of await this.#readManifestList(list, location)) await addManifest(manifest);
    }
    for (const manifest of v1ManifestsOf(kept)) await addManifest(manifest);
    return out;
  }

  /** The metadata, or undefined when it is gone or unreadable (then recorded); storage failures are thrown. */
  async #readMetadata(location: string): Promise<TableMetadata | undefined> {
    try {
      return await readTableMetadata(this.#ctx, location, { copy: false });
    } catch (err) {
      // Typed storage failures (unavailable, access denied) are thrown as they are. Every other read failure the
      // metadata reader turns into a 400 for register's sake, so the bytes are read again to tell a file that is gone,
      // a folder or not metadata (recorded) from storage that fails (thrown).
      if (!(err instanceof BadRequestError || err instanceof IcebergFormatError || isNotFound(err))) throw err;
      const bytes = await this.#read(location, location);
      if (bytes) this.#record(location, location, err);
      return undefined;
    }
  }

  #readManifestList(location: string, metadata: string): Promise<string[]> {
    let p = this.#manifestLists.get(location);
    if (!p) {
      p = this.#decode(location, metadata, (buf) => decodeManifestList(buf).manifests.map((m) => m.manifestPath), []);
      this.#manifestLists.set(location, p);
    }
    return p;
  }

  #readManifest(location: string, metadata: string): Promise<{ live: string[]; removed: string[] }> {
    let p = this.#manifests.get(location);
    if (!p) {
      p = this.#decode(
        location,
        metadata,
        (buf) => {
          const live: string[] = [];
          const removed: string[] = [];
          for (const e of decodeManifest(buf).entries) {
            (e.status === EntryStatus.DELETED ? removed : live).push(e.dataFile.filePath);
          }
          return { live, removed };
        },
        { live: [], removed: [] },
      );
      this.#manifests.set(location, p);
    }
    return p;
  }

  /**
   * Reads and decodes one Avro file; `none` when it is gone, outside the catalog's storage, a folder or not
   * decodable (the last three recorded).
   */
  async #decode<T>(location: string, metadata: string, decode: (buf: Buffer) => T, none: T): Promise<T> {
    if (!this.#ctx.locations.contains(location)) {
      // Only the catalog's own storage is read; a location outside it (stored before confinement covered it) is kept.
      this.#record(location, metadata, new Error('it is outside the storage this catalog owns, so it was not read'));
      return none;
    }
    const buf = await this.#read(location, metadata);
    if (!buf) return none;
    try {
      return decode(buf);
    } catch (err) {
      this.#record(location, metadata, err);
      return none;
    }
  }

  /**
   * A file already gone (deleted by a client, or by an earlier interrupted sweep) references nothing more; a folder
   * named as a file is recorded as unreadable. Both give undefined.
   */
  async #read(location: string, metadata: string): Promise<Buffer | undefined> {
    try {
      return await ioFor(this.#ctx, location).read(location);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      if ((err as { code?: string }).code === 'EISDIR') {
        this.#record(location, metadata, new Error('it is a folder, not a file'));
        return undefined;
      }
      throw err;
    }
  }

  #record(location: string, metadata: string, err: unknown): void {
    if (this.unreadable.has(location)) return;
    this.unreadable.set(location, { location, metadata, error: (err as Error)?.message ?? String(err) });
  }
}

/** A path through a file (ENOTDIR) cannot exist either. */
function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'STORAGE_OBJECT_NOT_FOUND';
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
