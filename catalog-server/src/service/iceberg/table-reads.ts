import { createHash } from 'node:crypto';
import type { TableIdentifier, TableMetadata } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import type { IcebergTableContent, VersionStore } from '../../store/types.ts';
import type { WarehouseIO } from '../../warehouse/warehouse-io.ts';
import type { ClientAccess } from '../../warehouse/s3-config.ts';
import { NoSuchNamespaceError, NoSuchTableError } from '../../errors/index.ts';
import { readRef } from './refs.ts';
import { displayName, objectKey } from './keys.ts';
import { countLookup, ioFor, readTableMetadata, requireMetadataFile } from './metadata-io.ts';
import { metadataCacheFor, type SerializedMetadata } from './metadata-cache.ts';
import { findNamespace } from './namespaces.ts';
import { storePage, type PageParams } from './paging.ts';

type Ctx = Pick<AppContext, 'store' | 'locations'> & Partial<Pick<AppContext, 'metrics' | 'metadataRecheckMs'>>;

export interface LoadedTable {
  /** `null` for a staged (not yet committed) table. */
  metadataLocation: string | null;
  metadata: TableMetadata;
}

/** The table's entry at a commit, or undefined when the key is absent or holds something else. */
export async function findTable(
  store: VersionStore,
  hash: string,
  ns: readonly string[],
  name: string,
): Promise<IcebergTableContent | undefined> {
  const c = await store.getContent(hash, objectKey(ns, name));
  return c?.type === 'ICEBERG_TABLE' ? c : undefined;
}

/**
 * The table's entry at the ref whose metadata file still exists: the ref's head is resolved on every call (another
 * writer or replica may have moved it), and a missing table or namespace is NoSuchTable (Spark relies on it).
 */
async function currentEntry(
  ctx: Ctx,
  ref: string,
  ns: string[],
  name: string,
): Promise<{ content: IcebergTableContent; io: WarehouseIO }> {
  const at = await readRef(ctx.store, ref);
  const content = await findTable(ctx.store, at.hash, ns, name);
  if (!content) throw new NoSuchTableError(displayName(ns, name), ref);
  return { content, io: await requireMetadataFile(ctx, content.metadataLocation) };
}

/**
 * Loads a table's current metadata at a ref: a parsed copy the caller may change, or with `copy: false` the cached
 * object itself, for a caller that only reads it (see readTableMetadata).
 */
export async function loadTable(
  ctx: Ctx,
  ref: string,
  ns: string[],
  name: string,
  opts: { copy?: boolean } = {},
): Promise<LoadedTable & { content: IcebergTableContent }> {
  const { content } = await currentEntry(ctx, ref, ns, name);
  return {
    metadataLocation: content.metadataLocation,
    metadata: await readTableMetadata(ctx, content.metadataLocation, opts),
    content,
  };
}

/**
 * The table's location at the ref (its current metadata's `location`): the folder its clients' storage access is
 * scoped to. Reads the metadata from the cache, without a copy.
 */
export async function tableLocation(ctx: Ctx, ref: string, ns: string[], name: string): Promise<string> {
  const { content } = await currentEntry(ctx, ref, ns, name);
  return (await readTableMetadata(ctx, content.metadataLocation, { copy: false })).location;
}

/**
 * A table's load answer at the ref, serialized: `build` makes its bytes from the metadata once per metadata file and
 * `variant` (e.g. the snapshots mode and whether the text is the whole answer); the bytes and the ETag (of the file
 * and `etagMode`) are kept by file location, which is safe because a metadata file never changes. The ref's head and
 * the file's existence are checked on every call (see {@link requireMetadataFile}).
 *
 * @example const a = await loadTableAnswer(ctx, 'main', ['db'], 't', 'all', 'all', (md) => encodeTableMetadataJson(tableMetadataToJson(md)))
 */
export async function loadTableAnswer(
  ctx: Ctx,
  ref: string,
  ns: string[],
  name: string,
  variant: string,
  etagMode: string,
  build: (md: TableMetadata, metadataLocation: string) => Buffer,
): Promise<SerializedMetadata & { metadataLocation: string }> {
  const { content, io } = await currentEntry(ctx, ref, ns, name);
  const metadataLocation = content.metadataLocation;
  const cache = metadataCacheFor(io);
  const hit = cache.getSerialized(metadataLocation, variant);
  countLookup(ctx, 'serialized', hit !== undefined);
  if (hit) return { ...hit, metadataLocation };
  // Only read to build the answer: the cached object itself, no copy of the table's history.
  const md = await readTableMetadata(ctx, metadataLocation, { copy: false });
  const value = {
    bytes: build(md, metadataLocation),
    tableLocation: md.location,
    tableProperties: md.properties,
    etag: tableETag(metadataLocation, etagMode),
  };
  cache.putSerialized(metadataLocation, variant, value);
  return { ...value, metadataLocation };
}

/** True when the table exists at the ref. */
export async function tableExists(ctx: Ctx, ref: string, ns: string[], name: string): Promise<boolean> {
  const at = await readRef(ctx.store, ref);
  return (await findTable(ctx.store, at.hash, ns, name)) !== undefined;
}

/** Lists tables (or views) directly in a namespace. */
export async function listObjects(
  ctx: Ctx,
  ref: string,
  ns: string[],
  type: 'ICEBERG_TABLE' | 'ICEBERG_VIEW' | 'UDF',
  page: PageParams,
): Promise<{ identifiers: TableIdentifier[]; next?: string }> {
  const at = await readRef(ctx.store, ref);
  if (!(await findNamespace(ctx.store, at.hash, ns))) throw new NoSuchNamespaceError(ns, ref);
  // One page from the store, which keeps keys in order: the page costs its size, not the namespace's.
  const entries = await ctx.store.listEntries(at.hash, {
    ...storePage(page),
    prefix: ns,
    childrenOnly: true,
    types: [type],
  });
  return {
    identifiers: entries.items.map((e) => ({ namespace: ns, name: e.key.elements[ns.length]! })),
    next: entries.token,
  };
}

/** Strong ETag of a loaded table: changes whenever the metadata file (or the snapshot filter) does. */
export function tableETag(metadataLocation: string, snapshots: string): string {
  return `"${createHash('sha256').update(`${metadataLocation}\u0000${snapshots}`).digest('hex').slice(0, 40)}"`;
}

/**
 * A warehouse's storage settings for clients (region, endpoint, …), without credentials; the answers that may carry
 * credentials get theirs from `tableStorage` (storage-access.ts).
 */
export function storageConfig(ctx: Ctx, location: string, access: ClientAccess): Record<string, string> {
  return ioFor(ctx, location).clientConfig(access);
}
