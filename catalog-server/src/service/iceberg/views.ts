import { randomUUID } from 'node:crypto';
import {
  applyViewCommit,
  createViewUpdates,
  currentViewVersion,
  sameViewMetadata,
  type CommitViewRequest,
  type CreateViewRequest,
  type ViewMetadata,
} from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import type { IcebergViewContent, Operation, VersionStore } from '../../store/types.ts';
import { NoSuchViewError } from '../../errors/index.ts';
import { readRef, writableRef } from './refs.ts';
import { displayName, namespaceKey, objectKey } from './keys.ts';
import { withCommitRetry } from './retry.ts';
import { commitMeta, type CommitInfo } from './commit-info.ts';
import { confineMetadataLocations } from './confine.ts';
import { namedByClient, readViewMetadata, requireMetadataFile, writeViewMetadata } from './metadata-io.ts';
import { commitOrDiscard, defaultObjectLocation, requireFreeName, requireNamespace } from './object-writes.ts';

type Ctx = Pick<AppContext, 'store' | 'warehouse' | 'locations' | 'keepHistoryMs'>;

export interface LoadedView {
  metadataLocation: string;
  metadata: ViewMetadata;
}

/** The store content recorded for a view; the SQL of its first representation is kept for tools that show it. */
export function viewContent(
  location: string,
  md: ViewMetadata,
  id?: string,
): Omit<IcebergViewContent, 'id'> & { id?: string } {
  const v = currentViewVersion(md);
  const sql = v?.representations[0];
  return {
    type: 'ICEBERG_VIEW',
    ...(id ? { id } : {}),
    metadataLocation: location,
    versionId: md['current-version-id'],
    schemaId: v?.['schema-id'] ?? 0,
    ...(sql ? { sqlText: sql.sql, dialect: sql.dialect } : {}),
  };
}

async function findView(
  store: VersionStore,
  hash: string,
  ns: readonly string[],
  name: string,
): Promise<IcebergViewContent | undefined> {
  const c = await store.getContent(hash, objectKey(ns, name));
  return c?.type === 'ICEBERG_VIEW' ? c : undefined;
}

/** Loads a view at a ref. */
export async function loadView(ctx: Ctx, ref: string, ns: string[], name: string): Promise<LoadedView> {
  const at = await readRef(ctx.store, ref);
  const content = await findView(ctx.store, at.hash, ns, name);
  if (!content) throw new NoSuchViewError(displayName(ns, name), ref);
  // As a table's load does: a view whose metadata file vanished is reported (404), not served from the cache.
  await requireMetadataFile(ctx, content.metadataLocation);
  return {
    metadataLocation: content.metadataLocation,
    metadata: await readViewMetadata(ctx, content.metadataLocation),
  };
}

/** True when the view exists at the ref. */
export async function viewExists(ctx: Ctx, ref: string, ns: string[], name: string): Promise<boolean> {
  const at = await readRef(ctx.store, ref);
  return (await findView(ctx.store, at.hash, ns, name)) !== undefined;
}

/** Creates a view; the name must not be taken by a table or view. */
export async function createView(
  ctx: Ctx,
  ref: string,
  ns: string[],
  req: CreateViewRequest,
  info?: CommitInfo,
): Promise<LoadedView> {
  return withCommitRetry(async () => {
    const head = await writableRef(ctx.store, ref);
    await requireNamespace(ctx, head.hash, ns, ref);
    await requireFreeName(ctx, head.hash, ns, req.name, ref, 'view');
    const location = req.location || (await defaultObjectLocation(ctx, ctx.store, head.hash, ns, req.name));
    const md = await confineMetadataLocations(
      ctx,
      applyViewCommit(undefined, [], createViewUpdates(req, { uuid: randomUUID(), location })),
      undefined,
      'View',
    );
    const written = await writeViewMetadata(ctx, md);
    const ops: Operation[] = [
      { type: 'PUT', key: objectKey(ns, req.name), content: viewContent(written, md) },
      { type: 'UNCHANGED', key: namespaceKey(ns) },
    ];
    await commitOrDiscard(ctx, head, commitMeta(info, `create view ${displayName(ns, req.name)}`), ops, [written]);
    return { metadataLocation: written, metadata: md };
  });
}

/**
 * Replaces a view (new version, properties, ...) with its requirements checked against the view as it is now. A commit
 * that changes nothing writes no metadata file and no catalog commit.
 */
export async function commitView(
  ctx: Ctx,
  ref: string,
  ns: string[],
  name: string,
  req: CommitViewRequest,
  info?: CommitInfo,
): Promise<LoadedView> {
  return withCommitRetry(async () => {
    const head = await writableRef(ctx.store, ref);
    const content = await findView(ctx.store, head.hash, ns, name);
    if (!content) throw new NoSuchViewError(displayName(ns, name), ref);
    const base = await readViewMetadata(ctx, content.metadataLocation);
    const applied = applyViewCommit(base, req.requirements, req.updates);
    // No updates, or only no-ops: nothing is written and the view is answered as it is, as for tables.
    if (sameViewMetadata(base, applied)) return { metadataLocation: content.metadataLocation, metadata: base };
    const md = await confineMetadataLocations(ctx, applied, base, 'View');
    const written = await writeViewMetadata(ctx, md, content.metadataLocation);
    const ops: Operation[] = [{ type: 'PUT', key: objectKey(ns, name), content: viewContent(written, md, content.id) }];
    await commitOrDiscard(ctx, head, commitMeta(info, `replace view ${displayName(ns, name)}`), ops, [written]);
    return { metadataLocation: written, metadata: md };
  });
}

/** Drops a view from the branch (its metadata files stay: other branches may still use them). */
export async function dropView(ctx: Ctx, ref: string, ns: string[], name: string, info?: CommitInfo): Promise<void> {
  await withCommitRetry(async () => {
    const head = await writableRef(ctx.store, ref);
    if (!(await findView(ctx.store, head.hash, ns, name))) throw new NoSuchViewError(displayName(ns, name), ref);
    await ctx.store.commit(head.branch, head.hash, commitMeta(info, `drop view ${displayName(ns, name)}`), [
      { type: 'DELETE', key: objectKey(ns, name) },
    ]);
  });
}

/** Registers an existing view metadata file as a view. */
export async function registerView(
  ctx: Ctx,
  ref: string,
  ns: string[],
  name: string,
  metadataLocation: string,
  info?: CommitInfo,
): Promise<LoadedView> {
  const confined = await ctx.locations.confine(metadataLocation, 'Metadata file');
  const metadata = await namedByClient(readViewMetadata(ctx, confined), confined);
  await ctx.locations.confine(metadata.location, 'View location of the registered metadata');
  return withCommitRetry(async () => {
    const head = await writableRef(ctx.store, ref);
    await requireNamespace(ctx, head.hash, ns, ref);
    await requireFreeName(ctx, head.hash, ns, name, ref, 'view');
    await ctx.store.commit(head.branch, head.hash, commitMeta(info, `register view ${displayName(ns, name)}`), [
      { type: 'PUT', key: objectKey(ns, name), content: viewContent(confined, metadata) },
      { type: 'UNCHANGED', key: namespaceKey(ns) },
    ]);
    return { metadataLocation: confined, metadata };
  });
}
