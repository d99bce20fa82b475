import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  appendMetadataLog,
  metadataCodecOf,
  metadataJsonBytes,
  nextMetadataLocation,
  parseJson,
  parseTableMetadata,
  parseViewMetadata,
  parseFunctionMetadata,
  stringifyJson,
  encodeTableMetadataJson,
  tableMetadataToJson,
  type TableMetadata,
  type ViewMetadata,
  type FunctionMetadata,
} from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import type { WarehouseIO } from '../../warehouse/warehouse-io.ts';
import type { JournaledFile } from '../../store/types.ts';
import { BadRequestError, RatError, StorageObjectNotFoundError } from '../../errors/index.ts';
import { metadataCacheFor } from './metadata-cache.ts';

/**
 * `metrics` is optional in the type so that narrow callers compile; the app context every request carries has it, and
 * then cache lookups are counted.
 */
type Deps = Pick<AppContext, 'locations'> & Partial<Pick<AppContext, 'metrics' | 'metadataRecheckMs' | 'fileJournal'>>;

/** How long a confirmed metadata file is trusted on an object store when the server is not told otherwise. */
export const DEFAULT_METADATA_RECHECK_MS = 2_000;

/**
 * Counts one metadata cache lookup (`text`: the file's bytes, `parsed`: the parsed table metadata, `serialized`: a
 * loadTable answer built from it, `verified`: a recent existence check standing in for a new one).
 */
export function countLookup(ctx: Deps, cache: 'text' | 'parsed' | 'serialized' | 'verified', hit: boolean): void {
  ctx.metrics?.metadataCacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' });
}

/**
 * The storage that owns `location` (the longest matching warehouse root or allowed location). A location outside all
 * of them is refused (400) rather than read or written with the default warehouse's settings.
 */
export function ioFor(ctx: Deps, location: string): WarehouseIO {
  return ctx.locations.storageFor(location);
}

async function readJson(ctx: Deps, location: string): Promise<unknown> {
  const io = ioFor(ctx, location);
  const cache = metadataCacheFor(io);
  let file = cache.get(location);
  countLookup(ctx, 'text', file !== undefined);
  try {
    if (file === undefined) {
      // Kept as JSON: loads answer with these bytes.
      file = await readMetadataJson(io, location);
      cache.put(location, file);
      cache.markVerified(location, Date.now());
    }
  } catch (err) {
    // Storage errors are already typed (unavailable, access denied, ...); only an unreadable location the client
    // named (register) is the client's mistake.
    if (err instanceof RatError) throw err;
    throw new BadRequestError(`Cannot read metadata file "${location}": ${(err as Error).message}`, { location });
  }
  try {
    return parseJson(file.toString('utf8'));
  } catch (err) {
    throw new BadRequestError(`Metadata file "${location}" is not JSON: ${(err as Error).message}`, { location });
  }
}

/** A metadata file's JSON bytes, decompressed when gzip-compressed; an unreadable compressed file is a 400. */
async function readMetadataJson(io: WarehouseIO, location: string): Promise<Buffer> {
  const file = await io.read(location);
  try {
    return metadataJsonBytes(file);
  } catch (err) {
    throw new BadRequestError(`Metadata file "${location}" is not valid gzip: ${(err as Error).message}`, { location });
  }
}

/**
 * Fails with NotFound when the metadata file at `location` is gone, e.g. deleted behind the catalog's back. Loads call
 * it before answering from the cache (or with 304), so a table whose metadata file vanished is reported, not served.
 * On a file warehouse the file is checked every time (a microsecond). On an object store the check is a HEAD request,
 * so a file this process wrote, read or checked within the last `metadataRecheckMs` (default 2 s; 0 checks every
 * time) is trusted: a file deleted behind the catalog is served for at most that long. Files the catalog deletes
 * itself (failed commits, purge, GC) are forgotten at once.
 *
 * Returns the storage holding the file.
 *
 * @example await requireMetadataFile(ctx, 's3://lake/db/t/metadata/00001-….metadata.json')
 */
export async function requireMetadataFile(ctx: Deps, location: string): Promise<WarehouseIO> {
  const io = ioFor(ctx, location);
  const cache = metadataCacheFor(io);
  const windowMs = io.localExists ? 0 : (ctx.metadataRecheckMs ?? DEFAULT_METADATA_RECHECK_MS);
  const now = Date.now();
  if (windowMs > 0) {
    const fresh = cache.verifiedSince(location, now - windowMs);
    countLookup(ctx, 'verified', fresh);
    if (fresh) return io;
  }
  if (await io.exists(location)) {
    cache.markVerified(location, now);
    return io;
  }
  cache.forget(location);
  throw new StorageObjectNotFoundError(location);
}

/**
 * For a metadata file the client named (register): a missing file is the client's mistake, a 400 on every backend.
 *
 * @example const md = await namedByClient(readTableMetadata(ctx, loc), loc);
 */
export async function namedByClient<T>(read: Promise<T>, location: string): Promise<T> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof StorageObjectNotFoundError)
      throw new BadRequestError(`Cannot register ${location}: ${err.message}`, { location });
    throw err;
  }
}

/**
 * Reads and normalizes a table metadata file. The caller gets its own copy unless it passes `copy: false`, which
 * promises to only read the metadata (e.g. as the base a commit's updates are applied to, which copies it anyway):
 * then a cached file costs no copy.
 */
export async function readTableMetadata(
  ctx: Deps,
  location: string,
  opts: { copy?: boolean } = {},
): Promise<TableMetadata> {
  const cache = metadataCacheFor(ioFor(ctx, location));
  const cached = cache.getParsed<TableMetadata>(location, opts);
  countLookup(ctx, 'parsed', cached !== undefined);
  if (cached) return cached;
  const json = await readJson(ctx, location);
  const metadata = parseTableMetadata(json);
  cache.putParsed(location, metadata);
  return metadata;
}

/** Reads a view metadata file. */
export async function readViewMetadata(ctx: Deps, location: string): Promise<ViewMetadata> {
  const json = await readJson(ctx, location);
  return parseViewMetadata(json);
}

/** Reads a function's (UDF) metadata file. */
export async function readFunctionMetadata(ctx: Deps, location: string): Promise<FunctionMetadata> {
  const json = await readJson(ctx, location);
  return parseFunctionMetadata(json);
}

/**
 * Writes the next metadata file of a table (`<location>/metadata/NNNNN-<uuid>.metadata.json`), with the previous file
 * appended to the metadata-log, and returns its location, the metadata as written and its JSON bytes (compact, as
 * Iceberg's own writers produce; a commit's answer embeds them rather than serializing the metadata again; the file
 * holds them gzip-compressed, named `….gz.metadata.json`, when the table's `write.metadata.compression-codec` asks).
 * Never overwrites a file.
 *
 * With `journal`, where the storage and the store allow it (a local file warehouse on SQLite), the file is written
 * without waiting for its fsync and comes back as `journaled`: the caller must pass it to the store commit that
 * references it (which keeps its bytes until it is durable) and settle it with the file journal once that commit
 * landed. Otherwise the file is durable when this returns.
 */
export async function writeTableMetadata(
  ctx: Deps,
  md: TableMetadata,
  previous?: { location: string; lastUpdatedMs: number },
  opts: { journal?: boolean } = {},
): Promise<{ location: string; metadata: TableMetadata; bytes: Buffer; journaled?: JournaledFile }> {
  const metadata: TableMetadata = {
    ...md,
    'metadata-log': appendMetadataLog(
      md['metadata-log'],
      previous?.location,
      previous?.lastUpdatedMs ?? 0,
      md.properties,
    ),
  };
  // catalogManaged refused any other codec.
  const codec = metadataCodecOf(md.properties) ?? 'none';
  const location = nextMetadataLocation(md.location, previous?.location, randomUUID(), md.properties, codec);
  const io = await ctx.locations.storageForWrite(location, 'Metadata file');
  const json = tableMetadataToJson(metadata);
  // The JSON, also what the commit's answer embeds; the file holds it compressed when the table asks for that.
  const bytes = encodeTableMetadataJson(json);
  const file = codec === 'gzip' ? gzipSync(bytes) : bytes;
  const journaled = await writeNewFile(ctx, io, location, file, { journal: opts.journal });
  const cache = metadataCacheFor(io);
  cache.put(location, bytes);
  cache.markVerified(location, Date.now());
  // The next commit to this table starts from this file: seed its parsed form, normalized as a read of the text would
  // give it (same values: the JSON round trip only turns safe bigints into numbers, which the parser accepts alike;
  // iceberg/src/model/table-metadata.test.ts checks both agree), without parsing the text back. The history it shares
  // with the version it was built from is parsed and frozen already, so only this commit's additions are checked.
  cache.putParsed(location, parseTableMetadata(json), { owned: true });
  return { location, metadata, bytes, journaled };
}

/**
 * Writes a new file the catalog owns (never overwriting one). With `journal`, where the file journal accepts it (a
 * local file warehouse on SQLite), it is written without waiting for its fsync and returned: the caller hands it to
 * the store write that references it, which journals its bytes. Otherwise it is durable when this returns. `io` must
 * come from `locations.storageForWrite(location)`, called just before, so no link planted since the location was
 * confined leads the write outside.
 */
export async function writeNewFile(
  ctx: Deps,
  io: WarehouseIO,
  location: string,
  bytes: Buffer,
  opts: { journal?: boolean } = {},
): Promise<JournaledFile | undefined> {
  if (opts.journal && ctx.fileJournal?.accepts(io, bytes.length)) {
    await io.writeProvisional!(location, bytes);
    return { location, bytes };
  }
  await io.write(location, bytes, { ifAbsent: true });
  return undefined;
}

/** Writes the next metadata file of a view and returns its location. */
export async function writeViewMetadata(ctx: Deps, md: ViewMetadata, previous?: string): Promise<string> {
  const location = nextMetadataLocation(md.location, previous, randomUUID(), md.properties);
  const io = await ctx.locations.storageForWrite(location, 'Metadata file');
  await io.write(location, stringifyJson(md, 2), { ifAbsent: true });
  return location;
}

/** Best-effort removal of a metadata file whose commit did not land (the next attempt writes a new one). */
export async function discardMetadata(ctx: Deps, location: string): Promise<void> {
  const io = ioFor(ctx, location);
  metadataCacheFor(io).forget(location);
  try {
    await io.delete(location);
  } catch {
    // An orphaned metadata file is harmless: nothing references it.
  }
}
