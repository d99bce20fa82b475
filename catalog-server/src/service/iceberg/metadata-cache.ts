import { deepFreeze } from '@ratatouille/iceberg';
import type { ParsedLocation } from '../../warehouse/location.ts';
/**
 * The bytes of recently read or written metadata files, by location. Metadata files are immutable (each commit writes
 * a new file under a fresh UUID name and never overwrites one), so cached bytes never go stale; only deleting files
 * (a failed commit's file, a purge) must forget them. Saves a storage round trip whenever a file's parsed form is no
 * longer cached: on S3 that round trip is most of a loadTable.
 */
/**
 * An answer serialized from a metadata file as the bytes sent (encoded once, not per request), the table location
 * its storage settings depend on, and its ETag.
 */
export interface SerializedMetadata {
  bytes: Buffer;
  tableLocation: string;
  /** The metadata's properties (the cached object's own, not a copy): where its files go, for storage credentials. */
  tableProperties: Record<string, string>;
  etag: string;
}

/** What registering a table checks against each other table: its uuid and its folder, as one metadata file names them. */
export interface TableFolder {
  uuid: string;
  /** Undefined when the file's `location` is not a location. */
  folder?: ParsedLocation;
}

export class MetadataCache {
  private readonly files = new Map<string, Buffer>();
  private bytes = 0;
  /**
   * Parsed table metadata of the most recent files, deeply frozen: parsing Iceberg metadata losslessly (64-bit ids)
   * costs far more than copying the parsed object, so callers get a structured clone and may change it freely, or,
   * when they only read it, the cached object itself. Frozen, its history elements can be shared with the next
   * version of the table and their bytes reused (`encodeTableMetadataJson`), which a change would make wrong.
   */
  private readonly parsed = new Map<string, unknown>();
  private static readonly PARSED_LIMIT = 64;

  /** `copy: false` returns the cache's own object, for a caller that only reads it (never changes or keeps it). */
  getParsed<T>(location: string, opts: { copy?: boolean } = {}): T | undefined {
    const value = this.parsed.get(location);
    if (value === undefined) return undefined;
    return opts.copy === false ? (value as T) : structuredClone(value as T);
  }

  /**
   * `owned`: the caller made `value` for the cache and will not change it, so it is frozen and stored without a copy
   * (freezing stops at what is frozen already, so a new version sharing the last one's history costs only its news).
   */
  putParsed<T>(location: string, value: T, opts: { owned?: boolean } = {}): void {
    this.parsed.delete(location);
    this.parsed.set(location, deepFreeze(opts.owned ? value : structuredClone(value)));
    if (this.parsed.size > MetadataCache.PARSED_LIMIT) this.parsed.delete(this.parsed.keys().next().value as string);
  }

  /**
   * Serialized answers built from a file (a loadTable's `metadata` member per snapshots mode), with what they need
   * beside it. Least recently used dropped past a quarter of the byte budget; forgotten with the file.
   */
  private readonly serialized = new Map<string, Map<string, SerializedMetadata>>();
  private serializedBytes = 0;

  getSerialized(location: string, variant: string): SerializedMetadata | undefined {
    const forFile = this.serialized.get(location);
    const hit = forFile?.get(variant);
    if (hit) {
      this.serialized.delete(location);
      this.serialized.set(location, forFile!);
    }
    return hit;
  }

  putSerialized(location: string, variant: string, value: SerializedMetadata): void {
    const budget = this.maxBytes / 4;
    if (value.bytes.length > budget / 4) return;
    const forFile = this.serialized.get(location) ?? new Map<string, SerializedMetadata>();
    this.serializedBytes += value.bytes.length - (forFile.get(variant)?.bytes.length ?? 0);
    forFile.set(variant, value);
    this.serialized.delete(location);
    this.serialized.set(location, forFile);
    while (this.serializedBytes > budget) this.forgetSerialized(this.serialized.keys().next().value as string);
  }

  private forgetSerialized(location: string): void {
    for (const v of this.serialized.get(location)?.values() ?? []) this.serializedBytes -= v.bytes.length;
    this.serialized.delete(location);
  }

  /**
   * When each file was last seen to exist (written by this process, read from storage or checked), least recently
   * confirmed first; bounded so that a catalog with millions of tables keeps a fixed footprint. Forgotten with the file.
   */
  private readonly verified = new Map<string, number>();

  /**
   * Records that the file at `location` existed at time `at` (ms since the epoch).
   *
   * @example cache.markVerified(location, Date.now())
   */
  markVerified(location: string, at: number): void {
    this.verified.delete(location);
    this.verified.set(location, at);
    if (this.verified.size > this.verifiedLimit) this.verified.delete(this.verified.keys().next().value as string);
  }

  /**
   * True when the file was last seen to exist at or after `since`: an existence check newer than that stands in for
   * a new one.
   *
   * @example cache.verifiedSince(location, Date.now() - 2000)
   */
  verifiedSince(location: string, since: number): boolean {
    const at = this.verified.get(location);
    return at !== undefined && at >= since;
  }

  /**
   * Each table metadata file's uuid and folder, by file (see `TableFolder`): registering a table compares it with every
   * table of the branch, which would otherwise read and parse every one of their metadata files for each
   * registration. Bounded like `verified`; forgotten with the file.
   */
  private readonly folders = new Map<string, TableFolder>();

  tableFolder(location: string): TableFolder | undefined {
    return this.folders.get(location);
  }

  putTableFolder(location: string, value: TableFolder): void {
    this.folders.delete(location);
    this.folders.set(location, value);
    if (this.folders.size > this.verifiedLimit) this.folders.delete(this.folders.keys().next().value as string);
  }

  constructor(
    private readonly maxBytes = 64 * 1024 * 1024,
    private readonly verifiedLimit = 100_000,
  ) {}

  get(location: string): Buffer | undefined {
    const file = this.files.get(location);
    if (file !== undefined) {
      // Re-insert to mark as most recently used.
      this.files.delete(location);
      this.files.set(location, file);
    }
    return file;
  }

  put(location: string, file: Buffer): void {
    if (file.length > this.maxBytes / 4) return;
    this.forget(location);
    this.files.set(location, file);
    this.bytes += file.length;
    while (this.bytes > this.maxBytes) {
      const oldest = this.files.keys().next().value as string;
      this.forget(oldest);
    }
  }

  forget(location: string): void {
    this.verified.delete(location);
    this.folders.delete(location);
    this.parsed.delete(location);
    this.forgetSerialized(location);
    const file = this.files.get(location);
    if (file === undefined) return;
    this.files.delete(location);
    this.bytes -= file.length;
  }
}

/** One cache per warehouse IO object, so separate servers in one process never share entries. */
const caches = new WeakMap<object, MetadataCache>();

export function metadataCacheFor(io: object): MetadataCache {
  let cache = caches.get(io);
  if (!cache) caches.set(io, (cache = new MetadataCache()));
  return cache;
}
