import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocationNotAllowedError } from '../errors/index.ts';
import { isWithin, MalformedLocationError, parseLocation, tryParseLocation, type ParsedLocation } from './location.ts';
import type { WarehouseIO } from './warehouse-io.ts';

/** Locations whose storage is remembered (under a megabyte of strings). */
const OWNER_CACHE_SIZE = 4_096;

interface Root {
  io: WarehouseIO;
  at: ParsedLocation;
  /** On a file warehouse, the root folder's real path, once it exists (see {@link staysInside}). */
  realPath?: string;
}

/**
 * Which storage the catalog owns: every warehouse's root plus the extra roots configured for it
 * (`allowedLocations`). Every location a client names is confined here before anything is written there, and every
 * read, write and delete finds its storage here, so nothing outside these roots is ever touched.
 *
 * @example const policy = new LocationPolicy([{ io, allowed: ['s3://shared/landing'] }]);
 *          await policy.confine('file:///wh/db/../db/t', 'Table location') // 'file:///wh/db/t'
 */
export class LocationPolicy {
  readonly #roots: Root[];
  /**
   * Storage by location, for locations already matched: every load and commit asks for its metadata file's storage,
   * and parsing the location was about 3% of a cached load's server time in a profile. The roots never change, so an
   * answer never goes stale; the map is emptied when it reaches {@link OWNER_CACHE_SIZE}.
   */
  readonly #owners = new Map<string, WarehouseIO>();

  constructor(entries: Array<{ io: WarehouseIO; allowed?: readonly string[] }>) {
    this.#roots = [];
    for (const { io, allowed = [] } of entries) {
      for (const r of [io.root, ...allowed]) {
        const at = parseLocation(r);
        if (!this.#roots.some((x) => x.at.uri === at.uri)) this.#roots.push({ io, at });
      }
    }
  }

  /** The roots a location may lie in, as shown in error messages. */
  get roots(): string[] {
    return this.#roots.map((r) => r.at.uri);
  }

  /**
   * The storage owning `location` (the longest matching root), or LocationNotAllowedError. Every storage access of the
   * catalog goes through here.
   */
  storageFor(location: string, what = 'Location'): WarehouseIO {
    const known = this.#owners.get(location);
    if (known) return known;
    const io = this.#match(this.#parse(location, what), location, what).io;
    if (this.#owners.size >= OWNER_CACHE_SIZE) this.#owners.clear();
    this.#owners.set(location, io);
    return io;
  }

  /**
   * The storage to write the file `location` to (or, with `folder`, to create the folder), checked right before the
   * write: on a file warehouse the real path of its deepest existing folder (symlinks resolved) must still lie inside
   * the root. A location is confined when a client names it, but a folder on its path may be replaced by a link
   * afterwards (a writer with access to the file system can do that), and every later commit would then write through
   * it. A file's own name is not resolved: the warehouse creates files with O_EXCL or renames over the name, and
   * neither follows a link there; starting at its folder spares a failing lookup (see docs/storage.md for the cost).
   * Object stores have no links, so for them this is {@link storageFor}.
   *
   * @example await (await policy.storageForWrite(metadataLocation)).write(metadataLocation, bytes)
   */
  async storageForWrite(location: string, what = 'Location', opts: { folder?: boolean } = {}): Promise<WarehouseIO> {
    const at = this.#parse(location, what);
    const root = this.#match(at, location, what);
    if (at.family === 'file' && !(await staysInside(at, root, opts.folder ? 0 : 1))) {
      throw new LocationNotAllowedError(what, location, 'a symbolic link on its path leads outside', this.roots);
    }
    return root.io;
  }

  /** True when `location` lies in an owned root (no symlink check: for deciding what to read, not what to delete). */
  contains(location: string): boolean {
    const at = tryParseLocation(location);
    return at !== undefined && this.#best(at) !== undefined;
  }

  /**
   * Normalizes a location a client asked for and checks that it lies strictly inside an allowed root (a table at a
   * warehouse root would own the whole warehouse). On a file warehouse, a symlink on the way that leads outside the
   * root is refused too. Returns the canonical location to store.
   */
  async confine(location: string, what: string): Promise<string> {
    const at = this.#parse(location, what);
    const root = this.#match(at, location, what);
    if (at.segments.length === root.at.segments.length) {
      throw new LocationNotAllowedError(
        what,
        location,
        'it is a storage root itself, not a folder inside one',
        this.roots,
      );
    }
    if (at.family === 'file' && !(await staysInside(at, root))) {
      throw new LocationNotAllowedError(what, location, 'a symbolic link on its path leads outside', this.roots);
    }
    return at.uri;
  }

  /**
   * For deletion: true when `location` is inside an owned root and, on a file warehouse, resolves (symlinks followed)
   * to a place still inside it. Never throws; a location that fails is simply not deleted.
   */
  async owns(location: string): Promise<boolean> {
    let at: ParsedLocation;
    try {
      at = parseLocation(location);
    } catch {
      return false;
    }
    const root = this.#best(at);
    if (!root || at.segments.length === root.at.segments.length) return false;
    return at.family !== 'file' || staysInside(at, root);
  }

  #parse(location: string, what: string): ParsedLocation {
    try {
      return parseLocation(location);
    } catch (err) {
      if (err instanceof MalformedLocationError) {
        throw new LocationNotAllowedError(what, String(location).slice(0, 512), err.message, this.roots);
      }
      throw err;
    }
  }

  #best(at: ParsedLocation): Root | undefined {
    let best: Root | undefined;
    for (const r of this.#roots) {
      if (isWithin(at, r.at, true) && (!best || r.at.segments.length > best.at.segments.length)) best = r;
    }
    return best;
  }

  #match(at: ParsedLocation, location: string, what: string): Root {
    const root = this.#best(at);
    if (!root)
      throw new LocationNotAllowedError(what, location, 'it is outside the storage this catalog owns', this.roots);
    return root;
  }
}

/**
 * Resolves symlinks on the existing part of `at`'s path (without its last `skip` names) and checks the result is still
 * below the root's real path. Synchronous on purpose: each lookup is a microsecond system call on a local disk, where
 * the asynchronous form costs a thread-pool round trip per path component tried (most of a commit's confinement time
 * before), and every commit confines its new manifest lists.
 */
async function staysInside(at: ParsedLocation, root: Root, skip = 0): Promise<boolean> {
  const rootPath = fileURLToPath(root.at.uri);
  // The root's own real path is resolved once it exists: only its parent folders could change it, and they lie outside
  // every root, where no client writes. Below the root, where clients do write, every check resolves the path anew.
  if (root.realPath === undefined) {
    try {
      root.realPath = realpathSync.native(rootPath);
    } catch {
      return true; // the root does not exist yet, so nothing below it can be a link
    }
  }
  const realRoot = root.realPath;
  let probe = fileURLToPath(at.uri);
  for (let i = 0; i < skip && probe.length > rootPath.length; i++) probe = path.dirname(probe);
  // The deepest part of the path that exists is where a link could redirect the rest.
  for (;;) {
    try {
      const real = realpathSync.native(probe);
      return real === realRoot || real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
    } catch {
      // A dangling link points somewhere that does not exist yet: writing through it would create that place.
      if (lstatSync(probe, { throwIfNoEntry: false })?.isSymbolicLink()) return false;
      const parent = path.dirname(probe);
      if (parent === probe || parent.length < rootPath.length) return true;
      probe = parent;
    }
  }
}
