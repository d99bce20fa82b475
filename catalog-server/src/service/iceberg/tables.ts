import { randomUUID } from 'node:crypto';
import {
  applyTableCommit,
  createTableUpdates,
  type CreateTableRequest,
  type RegisterTableRequest,
  type TableIdentifier,
} from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import type { Operation } from '../../store/types.ts';
import { NoSuchTableError, NoSuchViewError } from '../../errors/index.ts';
import { writableRef } from './refs.ts';
import { displayName, namespaceKey, objectKey } from './keys.ts';
import { withCommitRetry } from './retry.ts';
import { commitMeta, type CommitInfo } from './commit-info.ts';
import { namedByClient, readTableMetadata, writeTableMetadata } from './metadata-io.ts';
import { findTable, type LoadedTable } from './table-reads.ts';
import { catalogManaged } from './table-policy.ts';
import { confineMetadataLocations, requireOwnFolder } from './confine.ts';
import { purgeDroppedTable, type PurgeOutcome } from '../storage/purge.ts';
import {
  commitOrDiscard,
  defaultObjectLocation,
  journaledOf,
  requireFreeName,
  requireNamespace,
  tableContent,
  type TableWriteCtx,
} from './object-writes.ts';

type Ctx = TableWriteCtx;

/**
 * Creates a table. With `stage-create` nothing is committed: the metadata comes back with a null location for the
 * client's create transaction, and `<location>/metadata/` is made to exist for writers that put manifests there.
 */
export async function createTable(
  ctx: Ctx,
  ref: string,
  ns: string[],
  req: CreateTableRequest,
  info?: CommitInfo,
): Promise<LoadedTable> {
  return withCommitRetry(async () => {
    const head = await writableRef(ctx.store, ref);
    await requireNamespace(ctx, head.hash, ns, ref);
    await requireFreeName(ctx, head.hash, ns, req.name, ref, 'table');
    const location = req.location || (await defaultObjectLocation(ctx, ctx.store, head.hash, ns, req.name));
    const md = await catalogManaged(
      ctx,
      applyTableCommit(undefined, [], createTableUpdates(req, { uuid: randomUUID(), location }), {
        now: Date.now(),
      }),
      undefined,
    );
    if (req['stage-create']) {
      const folder = `${md.location}/metadata`;
      await (await ctx.locations.storageForWrite(folder, 'Table location', { folder: true })).prepareDirectory(folder);
      return { metadataLocation: null, metadata: md };
    }
    const written = await writeTableMetadata(ctx, md, undefined, { journal: true });
    const ops: Operation[] = [
      { type: 'PUT', key: objectKey(ns, req.name), content: tableContent(written.location, written.metadata) },
      { type: 'UNCHANGED', key: namespaceKey(ns) },
    ];
    await commitOrDiscard(
      ctx,
      head,
      commitMeta(info, `create table ${displayName(ns, req.name)}`),
      ops,
      [written.location],
      journaledOf([written]),
    );
    return { metadataLocation: written.location, metadata: written.metadata };
  });
}

/**
 * Drops a table from the branch. With purge, the files of the dropped version that nothing else reaches (no branch or
 * tag head, kept commit or other table) are deleted, one by one; see {@link purgeDroppedTable}, which never fails the
 * drop it follows (a failed deletion is logged and left to GC).
 */
export async function dropTable(
  ctx: Ctx & Partial<Pick<AppContext, 'logger'>>,
  ref: string,
  ns: string[],
  name: string,
  purge: boolean,
  info?: CommitInfo,
): Promise<PurgeOutcome | undefined> {
  const dropped = await withCommitRetry(async () => {
    const head = await writableRef(ctx.store, ref);
    const content = await findTable(ctx.store, head.hash, ns, name);
    if (!content) throw new NoSuchTableError(displayName(ns, name), ref);
    await ctx.store.commit(
      head.branch,
      head.hash,
      commitMeta(info, `${purge ? 'purge' : 'drop'} table ${displayName(ns, name)}`),
      [{ type: 'DELETE', key: objectKey(ns, name) }],
    );
    return content;
  });
  return purge ? purgeDroppedTable(ctx, dropped.metadataLocation) : undefined;
}

/**
 * Registers an existing metadata file as a table (overwrite replaces an existing table's pointer). The file is checked
 * as a create would check the same metadata: its location, write-path properties and every snapshot's manifest list
 * must lie in the catalog's storage, since loads hand them to writers and GC reads the manifest lists.
 */
export async function registerTable(
  ctx: Ctx,
  ref: string,
  ns: string[],
  req: RegisterTableRequest,
  info?: CommitInfo,
): Promise<LoadedTable> {
  const metadataLocation = await ctx.locations.confine(req['metadata-location'], 'Metadata file');
  const metadata = await namedByClient(readTableMetadata(ctx, metadataLocation), metadataLocation);
  // The file is registered as it is (its canonical forms are not stored): only whether each location is allowed counts.
  await confineMetadataLocations(ctx, metadata, undefined, 'Table', 'of the registered metadata');
  return withCommitRetry(async () => {
    const head = await writableRef(ctx.store, ref);
    await requireNamespace(ctx, head.hash, ns, ref);
    const existing = await ctx.store.getContent(head.hash, objectKey(ns, req.name));
    if (existing && !(req.overwrite && existing.type === 'ICEBERG_TABLE'))
      await requireFreeName(ctx, head.hash, ns, req.name, ref, 'table');
    await requireOwnFolder(ctx, head.hash, metadata, existing?.id);
    await ctx.store.commit(head.branch, head.hash, commitMeta(info, `register table ${displayName(ns, req.name)}`), [
      {
        type: 'PUT',
        key: objectKey(ns, req.name),
        content: tableContent(metadataLocation, metadata, existing?.id),
      },
      { type: 'UNCHANGED', key: namespaceKey(ns) },
    ]);
    return { metadataLocation, metadata };
  });
}

/** Renames a table or view, also across namespaces; its content id (and history) moves with it. */
export async function renameObject(
  ctx: Ctx,
  ref: string,
  kind: 'table' | 'view',
  source: TableIdentifier,
  destination: TableIdentifier,
  info?: CommitInfo,
): Promise<void> {
  const type = kind === 'table' ? 'ICEBERG_TABLE' : 'ICEBERG_VIEW';
  await withCommitRetry(async () => {
    const head = await writableRef(ctx.store, ref);
    const src = await ctx.store.getContent(head.hash, objectKey(source.namespace, source.name));
    if (!src || src.type !== type) {
      const name = displayName(source.namespace, source.name);
      throw kind === 'table' ? new NoSuchTableError(name, ref) : new NoSuchViewError(name, ref);
    }
    await requireNamespace(ctx, head.hash, destination.namespace, ref);
    await requireFreeName(
      ctx,
      head.hash,
      destination.namespace,
      destination.name,
      ref,
      kind,
      displayName(source.namespace, source.name),
    );
    await ctx.store.commit(
      head.branch,
      head.hash,
      commitMeta(
        info,
        `rename ${kind} ${displayName(source.namespace, source.name)} to ${displayName(destination.namespace, destination.name)}`,
      ),
      [
        { type: 'DELETE', key: objectKey(source.namespace, source.name) },
        { type: 'PUT', key: objectKey(destination.namespace, destination.name), content: src },
        { type: 'UNCHANGED', key: namespaceKey(destination.namespace) },
      ],
    );
  });
}
