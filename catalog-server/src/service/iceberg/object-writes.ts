import { randomUUID } from 'node:crypto';
import type { TableMetadata } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import type { ContentType, IcebergTableContent, JournaledFile, Operation, VersionStore } from '../../store/types.ts';
import { AlreadyExistsError, NoSuchNamespaceError } from '../../errors/index.ts';
import { storedInt64 } from '../int64.ts';
import type { WritableRef } from './refs.ts';
import { displayName, objectKey, pathSegment } from './keys.ts';
import type { commitMeta } from './commit-info.ts';
import { discardMetadata } from './metadata-io.ts';
import { findNamespace, namespaceLocation } from './namespaces.ts';

/*
 * What every write of a table or view builds on: the content record the store keeps, where a new object goes, the
 * namespace and name checks, and committing written metadata files (or deleting them when the commit fails).
 */

/** What table writes need of the app context (the file journal only where metadata files are journaled). */
export type TableWriteCtx = Pick<AppContext, 'store' | 'warehouse' | 'locations' | 'keepHistoryMs'> &
  Partial<Pick<AppContext, 'fileJournal'>>;
type Ctx = TableWriteCtx;

/** The store content recorded for a table: where its metadata is plus the ids Nessie-style tools show. */
export function tableContent(
  location: string,
  md: TableMetadata,
  id?: string,
): Omit<IcebergTableContent, 'id'> & { id?: string } {
  const current = md['current-snapshot-id'];
  return {
    type: 'ICEBERG_TABLE',
    ...(id ? { id } : {}),
    metadataLocation: location,
    // Exact (Iceberg's NessieCatalog sets the table's current snapshot from it), as the store keeps 63-bit ids.
    snapshotId: current === null ? -1 : storedInt64(current),
    schemaId: md['current-schema-id'],
    specId: md['default-spec-id'],
    sortOrderId: md['default-sort-order-id'],
  };
}

/** Where a new table goes: under the namespace's `location` property if set, else under the warehouse. */
export async function defaultObjectLocation(
  ctx: Ctx,
  store: VersionStore,
  hash: string,
  ns: string[],
  name: string,
): Promise<string> {
  const base = namespaceLocation(ctx.warehouse, ns, (await findNamespace(store, hash, ns))?.properties ?? {});
  return `${base}/${pathSegment(name)}-${randomUUID().replaceAll('-', '')}`;
}

export async function requireNamespace(ctx: Ctx, hash: string, ns: string[], ref: string): Promise<void> {
  if (!(await findNamespace(ctx.store, hash, ns))) throw new NoSuchNamespaceError(ns, ref);
}

/** How an error message names an object of each content type. */
const KIND_OF: Record<ContentType, string> = {
  NAMESPACE: 'namespace',
  ICEBERG_TABLE: 'table',
  ICEBERG_VIEW: 'view',
  UDF: 'function',
};

export async function requireFreeName(
  ctx: Ctx,
  hash: string,
  ns: string[],
  name: string,
  ref: string,
  kind: 'table' | 'view',
  renamedFrom?: string,
): Promise<void> {
  const existing = await ctx.store.getContent(hash, objectKey(ns, name));
  if (existing) {
    const existingKind = KIND_OF[existing.type];
    throw new AlreadyExistsError(kind, displayName(ns, name), ref, existingKind, renamedFrom);
  }
}

/**
 * Commits `ops`, whose new metadata files are `written`; when the commit fails they are deleted again. `journaled`
 * (metadata files written provisionally, see `writeTableMetadata`) ride in the commit and are made durable after it.
 */
export async function commitOrDiscard(
  ctx: Ctx,
  head: WritableRef,
  meta: ReturnType<typeof commitMeta>,
  ops: Operation[],
  written: string[],
  journaled: JournaledFile[] = [],
): Promise<string> {
  let hash: string;
  try {
    hash = (await ctx.store.commit(head.branch, head.hash, meta, ops, { files: journaled })).hash;
  } catch (err) {
    await Promise.all(written.map((l) => discardMetadata(ctx, l)));
    throw err;
  }
  if (journaled.length > 0) ctx.fileJournal?.settle(journaled);
  return hash;
}

export function journaledOf(written: Array<{ journaled?: JournaledFile }>): JournaledFile[] {
  return written.flatMap((w) => (w.journaled ? [w.journaled] : []));
}
