import { createHash } from 'node:crypto';
import { promises as fs, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UnsupportedLocationError } from '../errors/engine-error.ts';
import { resolveSignerEndpoint, type CatalogAuth } from '@ratatouille/catalog-client';
import type { S3Store } from './s3-store.ts';
import { signerOf, type TableSigner } from './s3-signing.ts';

/**
 * Where the engine's files live. Tables and landing files are on `file://` paths or `s3://bucket/key`; DuckDB only
 * ever sees local files: writes go to a local temp dir and are uploaded, reads of remote files are downloaded once
 * into a per-process cache (Iceberg data and metadata files are immutable, so a location's bytes never change).
 */
export interface ObjectStore {
  /** The whole object. */
  get(location: string): Promise<Buffer>;
  /** Writes an object that must not exist yet. */
  put(location: string, data: Buffer): Promise<void>;
  /** Uploads (or copies) a local file to `location`. */
  putFile(location: string, localFile: string): Promise<void>;
  /** Locations of every object under a prefix (recursively), sorted. */
  list(prefix: string): Promise<string[]>;
}

/** Local path of a `file:` location (`file:///a`, Java's `file:/a`) or an absolute path. */
export function localPath(location: string): string {
  if (location.startsWith('file:')) {
    const normalized = location.startsWith('file:///') ? location : location.replace(/^file:\/*/, 'file:///');
    return fileURLToPath(normalized);
  }
  if (path.isAbsolute(location)) return location;
  throw new UnsupportedLocationError(location);
}

/** `file:///abs/path` for a local path. */
export function fileUri(p: string): string {
  return pathToFileURL(p).href;
}

/** True for `s3://`, `s3a://` and `s3n://` locations. */
export function isS3(location: string): boolean {
  return /^s3[an]?:\/\//.test(location);
}

export function splitS3(location: string): { bucket: string; key: string } {
  const m = /^s3[an]?:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!m) throw new UnsupportedLocationError(location);
  return { bucket: m[1]!, key: m[2]! };
}

const fileStore: ObjectStore = {
  get: (location) => fs.readFile(localPath(location)),
  async put(location, data) {
    const p = localPath(location);
    await fs.mkdir(path.dirname(p), { recursive: true });
    await fs.writeFile(p, data, { flag: 'wx' });
  },
  async putFile(location, localFile) {
    const p = localPath(location);
    if (path.resolve(p) === path.resolve(localFile)) return;
    await fs.mkdir(path.dirname(p), { recursive: true });
    await fs.copyFile(localFile, p, fs.constants.COPYFILE_EXCL);
  },
  async list(prefix) {
    const root = localPath(prefix);
    const out: string[] = [];
    const walk = async (d: string) => {
      let entries;
      try {
        entries = await fs.readdir(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else out.push(fileUri(p));
      }
    };
    await walk(root);
    return out.sort();
  },
};

/** S3 settings for one bucket, as an Iceberg `config` map carries them (`s3.endpoint`, `s3.access-key-id`, …). */
export type S3Properties = Record<string, string>;

const bucketSettings = new Map<string, S3Properties>();
/**
 * Temporary keys the catalog limited to one table's folder (its `sts` policy; they come with an expiry), by location
 * as `bucket/path`: another table in the same bucket needs its own, so they are not the bucket's.
 */
const tableKeys = new Map<string, S3Properties>();
const KEY_PROPERTIES = [
  's3.access-key-id',
  's3.secret-access-key',
  's3.session-token',
  's3.session-token-expires-at-ms',
];
/** Tables whose files the catalog signs (remote signing), by location as `bucket/path`. */
const tableSigners = new Map<string, TableSigner>();

/** The catalog a table was loaded through: its URI (which names the ref) and how the engine authenticates to it. */
export interface CatalogOrigin {
  readonly baseUrl: string;
  readonly auth: CatalogAuth;
}

/**
 * Remembers the storage settings the catalog returned with a table (`loadTable`/`createTable` `config`) for the
 * bucket of its location, so that the engine reads and writes that table's files with them. When the config turns
 * remote signing on, the table's signer endpoint is remembered for its location, resolved against the catalog URI
 * it was loaded through (the ref the engine is writing to, when it writes): the last load of a location wins.
 *
 * @example rememberStorage(loaded.metadata.location, loaded.config, catalog)
 */
export function rememberStorage(
  location: string,
  config: Record<string, string> | undefined,
  catalog: CatalogOrigin,
): void {
  if (!isS3(location) || !config) return;
  const s3 = Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith('s3.') || k === 'client.region'));
  if (Object.keys(s3).length === 0) return;
  const { bucket } = splitS3(location);
  if (s3['s3.session-token-expires-at-ms'] !== undefined) {
    const keys = Object.entries(s3).filter(([k]) => KEY_PROPERTIES.includes(k));
    tableKeys.set(bucketPath(location), Object.fromEntries(keys));
    const rest = Object.entries(s3).filter(([k]) => !KEY_PROPERTIES.includes(k));
    bucketSettings.set(bucket, { ...bucketSettings.get(bucket), ...Object.fromEntries(rest) });
  } else bucketSettings.set(bucket, { ...bucketSettings.get(bucket), ...s3 });
  const url = resolveSignerEndpoint(catalog.baseUrl, config);
  if (url) tableSigners.set(bucketPath(location), { url, auth: catalog.auth });
}

/** `s3://b/a/t/` → `b/a/t`: one spelling per location whatever its scheme (`s3a://`) or trailing slash. */
function bucketPath(location: string): string {
  const { bucket, key } = splitS3(location);
  return `${bucket}/${key}`.replace(/\/+$/, '');
}

/**
 * The S3 settings for a location: its bucket's, with the keys of the table holding it when they are scoped to it.
 *
 * @example s3SettingsFor('s3://lake/wh/t1/data/a.parquet')['s3.session-token'] // t1's token, not t2's
 */
export function s3SettingsFor(location: string): S3Properties {
  const base = bucketSettings.get(splitS3(location).bucket) ?? {};
  const scoped = tableKeys.size ? signerOf(tableKeys, bucketPath(location)) : undefined;
  return scoped ? { ...base, ...scoped } : base;
}

/** The signer for an S3 location inside a table that the catalog signs for, else undefined. */
function signingFor(location: string): TableSigner | undefined {
  return tableSigners.size ? signerOf(tableSigners, bucketPath(location)) : undefined;
}

let s3Loaded: Promise<S3Store> | undefined;

/** The S3 store, imported on first use: the AWS SDK takes ~150 ms to load, which a run on local files never needs. */
function s3(): Promise<S3Store> {
  s3Loaded ??= import('./s3-store.ts').then((m) => m.s3StoreWith(s3SettingsFor, signingFor));
  return s3Loaded;
}

const s3Store: ObjectStore = {
  get: async (location) => (await s3()).get(location),
  put: async (location, data) => (await s3()).put(location, data),
  putFile: async (location, localFile) => (await s3()).putFile(location, localFile),
  list: async (prefix) => (await s3()).list(prefix),
};

/**
 * The store for a location: `s3://` (S3 client) or `file://` / an absolute path (local files); anything else is
 * `UNSUPPORTED_LOCATION`.
 *
 * @example await storeFor('s3://lake/wh/t/metadata/x.avro').get('s3://lake/wh/t/metadata/x.avro')
 */
export function storeFor(location: string): ObjectStore {
  if (isS3(location)) return s3Store;
  localPath(location); // throws UNSUPPORTED_LOCATION for other schemes
  return fileStore;
}

export async function readLocation(location: string): Promise<Buffer> {
  return storeFor(location).get(location);
}

export async function writeLocation(location: string, data: Buffer): Promise<void> {
  await storeFor(location).put(location, data);
  if (isS3(location)) {
    // Kept as the cached copy: the run reads its own manifests back right away.
    const target = cachePath(location);
    await fs.writeFile(target, data);
    cached.set(location, Promise.resolve(target));
  }
}

/**
 * Streams an object (S3) or copies a file (local) to a local path, without holding it in memory.
 *
 * @example await downloadTo('s3://landing/orders/a.csv', '/tmp/x/a.csv')
 */
export async function downloadTo(location: string, dest: string): Promise<void> {
  if (!isS3(location)) {
    await fs.copyFile(localPath(location), dest);
    return;
  }
  await (await s3()).download(location, dest);
}

let cacheDir: string | undefined;
const cached = new Map<string, Promise<string>>();

function cacheRoot(): string {
  if (!cacheDir) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-engine-cache-'));
    cacheDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return cacheDir;
}

function cachePath(location: string): string {
  const ext = path.extname(location.replace(/[?#].*$/, '')) || '.bin';
  return path.join(cacheRoot(), `${createHash('sha256').update(location).digest('hex').slice(0, 32)}${ext}`);
}

/**
 * A local path DuckDB can read for a location: the file itself for local locations, a downloaded copy (cached for
 * the process) for S3.
 *
 * @example const p = await localCopy('s3://lake/wh/t/data/a.parquet')
 */
export function localCopy(location: string): Promise<string> {
  if (!isS3(location)) return Promise.resolve(localPath(location));
  let p = cached.get(location);
  if (!p) {
    p = (async () => {
      const target = cachePath(location);
      const tmp = `${target}.${process.pid}.part`;
      await downloadTo(location, tmp);
      await fs.rename(tmp, target);
      return target;
    })();
    cached.set(location, p);
    p.catch(() => cached.delete(location));
  }
  return p;
}

/**
 * The bytes of an Iceberg file (manifest, manifest list): files never change once written, so an S3 file is
 * downloaded once per process (through the `localCopy` cache) however many steps read it.
 *
 * @example const buf = await readImmutable(snapshot['manifest-list'])
 */
export async function readImmutable(location: string): Promise<Buffer> {
  return fs.readFile(await localCopy(location));
}

/**
 * Local copies of many locations (see `localCopy`), at most `concurrency` downloads at a time, in input order.
 *
 * @example const paths = await localCopies(plan.data.map((f) => f.file.filePath))
 */
export async function localCopies(locations: string[], concurrency = 8): Promise<string[]> {
  const out: string[] = new Array<string>(locations.length);
  let next = 0;
  const worker = async () => {
    while (next < locations.length) {
      const i = next++;
      out[i] = await localCopy(locations[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, locations.length) }, worker));
  return out;
}

/**
 * Uploads a file DuckDB wrote locally to its final location and keeps it as the cached copy of that location
 * (so reading the table back in the same run downloads nothing). Local locations are moved into place.
 */
export async function publishFile(localFile: string, location: string): Promise<void> {
  if (!isS3(location)) {
    const dest = localPath(location);
    if (path.resolve(dest) === path.resolve(localFile)) return;
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await fs.rename(localFile, dest);
    return;
  }
  await s3Store.putFile(location, localFile);
  const target = cachePath(location);
  await fs.rename(localFile, target).catch(() => fs.copyFile(localFile, target));
  cached.set(location, Promise.resolve(target));
}

/** A fresh local folder for DuckDB's output, under the cache root (same file system, so publishing is a rename). */
export function scratchDir(): Promise<string> {
  return fs.mkdtemp(path.join(cacheRoot(), 'w-'));
}
