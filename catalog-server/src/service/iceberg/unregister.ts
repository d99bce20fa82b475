import type { TableMetadata } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { NoSuchTableError, ReleasedTablesUnavailableError } from '../../errors/index.ts';
import { writableRef } from './refs.ts';
import { displayName, objectKey } from './keys.ts';
import { withCommitRetry } from './retry.ts';
import { commitMeta, type CommitInfo } from './commit-info.ts';
import { readTableMetadata, requireMetadataFile } from './metadata-io.ts';
import { findTable } from './table-reads.ts';
import { LOCATION_PROPERTIES } from './confine.ts';
import type { TableWriteCtx } from './object-writes.ts';

type Ctx = TableWriteCtx & Partial<Pick<AppContext, 'releasedTables'>>;

/**
 * Unregisters a table from a branch (Iceberg REST `unregister`), so that another catalog can register its last
 * metadata file: the table leaves the branch in one commit, as a drop does, and its files are released. GC and purges
 * then never delete a file under the table's folders (its location and the write paths its properties name), whoever
 * wrote it and whenever, nor any file its last metadata reaches: from now on the files belong to whoever registers it.
 *
 * The release is recorded before the commit, so a crash between the two leaves a table that is still here with its
 * files kept (GC then keeps a little more than it must), never a table gone from the branch whose files GC may take.
 * A commit that fails forgets the release it recorded, unless the same metadata file had been released before.
 *
 * @example const { metadataLocation, metadata } = await unregisterTable(ctx, 'main', ['sales'], 'orders')
 */
export async function unregisterTable(
  ctx: Ctx,
  ref: string,
  ns: string[],
  name: string,
  info?: CommitInfo,
): Promise<{ metadataLocation: string; metadata: TableMetadata }> {
  const released = ctx.releasedTables;
  if (!released) throw new ReleasedTablesUnavailableError();
  return withCommitRetry(async () => {
    const head = await writableRef(ctx.store, ref);
    const content = await findTable(ctx.store, head.hash, ns, name);
    if (!content) throw new NoSuchTableError(displayName(ns, name), ref);
    // The answer carries the metadata another catalog registers: a table whose file is gone is reported, not released.
    await requireMetadataFile(ctx, content.metadataLocation);
    const metadata = await readTableMetadata(ctx, content.metadataLocation);
    const before = await released.get(content.metadataLocation);
    await released.put({
      metadataLocation: content.metadataLocation,
      prefixes: releasedFolders(metadata),
      ref: head.branch,
      table: [...ns, name],
    });
    try {
      await ctx.store.commit(head.branch, head.hash, commitMeta(info, `unregister table ${displayName(ns, name)}`), [
        { type: 'DELETE', key: objectKey(ns, name) },
      ]);
    } catch (err) {
      if (before) await released.put(before);
      else await released.delete(content.metadataLocation);
      throw err;
    }
    return { metadataLocation: content.metadataLocation, metadata };
  });
}

/** The folders a released table's files go to: its location and every write path its properties name. */
export function releasedFolders(md: Pick<TableMetadata, 'location' | 'properties'>): string[] {
  const folders = [md.location];
  for (const name of LOCATION_PROPERTIES) {
    const path = md.properties?.[name];
    if (path) folders.push(path);
  }
  return [...new Set(folders.map((f) => f.replace(/\/+$/, '')))];
}
