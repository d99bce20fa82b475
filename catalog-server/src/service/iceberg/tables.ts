import { randomUUID } from 'node:crypto';
import {
  applyTableCommit,
  createTableUpdates,
  stringifyJson,
  tableMetadataToJson,
  type CommitTableRequest,
  type CreateTableRequest,
  type RegisterTableRequest,
  type TableIdentifier,
  type TableMetadata,
  type TableRequirement,
  type TableUpdate,
} from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import type { IcebergTableContent, JournaledFile, Operation, VersionStore } from '../../store/types.ts';
import {
  AlreadyExistsError,
  BadRequestError,
  NoSuchNamespaceError,
  NoSuchTableError,
  NoSuchViewError,
} from '../../errors/index.ts';
import { writableRef, type WritableRef } from './refs.ts';
import { displayName, namespaceKey, objectKey, pathSegment } from './keys.ts';
import { withCommitRetry } from './retry.ts';
import { commitMeta, type CommitInfo } from './commit-info.ts';
import { discardMetadata, ioFor, namedByClient, readTableMetadata, writeTableMetadata } from './metadata-io.ts';
import { findNamespace, namespaceLocation } from './namespaces.ts';
import { findTable, type LoadedTable } from './table-reads.ts';
import { describeTableChange } from './describe-commit.ts';
import { catalogManaged } from './table-policy.ts';
import { requireOwnFolder } from './confine.ts';
import { purgeDroppedTable, type PurgeOutcome } from '../storage/purge.ts';

type Ctx = Pick<AppContext, 'store' | 'warehouse' | 'locations' | 'keepHistoryMs'> &
  Partial<Pick<AppContext, 'fileJournal'>>;

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
    // The store keeps JSON numbers; a 63-bit id loses precision here, which is fine for display. The metadata
    // file (read through metadataLocation) stays the exact source of truth.
    snapshotId: current === null ? -1 : Number(current),
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
    const existingKind =
      existing.type === 'ICEBERG_VIEW' ? 'view' : existing.type === 'ICEBERG_TABLE' ? 'table' : 'namespace';
    throw new AlreadyExistsError(kind, displayName(ns, name), ref, existingKind, renamedFrom);
  }
}

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
      await ioFor(ctx, md.location).prepareDirectory(`${md.location}/metadata`);
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

function journaledOf(written: Array<{ journaled?: JournaledFile }>): JournaledFile[] {
  return written.flatMap((w) => (w.journaled ? [w.journaled] : []));
}

interface PreparedChange {
  ops: Operation[];
  written: string;
  metadata: TableMetadata;
  /** The metadata's JSON text: the new file's when one was written. */
  metadataText: string;
  /** The new file, when it was written provisionally (see `writeTableMetadata`). */
  journaled?: JournaledFile;
  message: string;
  changed: boolean;
}

/**
 * One table's part of a commit, computed against the branch head just read: check requirements, apply updates, write
 * the new metadata file. A commit without changes writes nothing.
 */
async function prepareTableChange(
  ctx: Ctx,
  head: WritableRef,
  ref: string,
  ns: string[],
  name: string,
  requirements: TableRequirement[],
  updates: TableUpdate[],
): Promise<PreparedChange> {
  const key = objectKey(ns, name);
  const existing = await ctx.store.getContent(head.hash, key);
  const creating = requirements.some((r) => r.type === 'assert-create');
  if (existing && existing.type !== 'ICEBERG_TABLE') {
    if (creating)
      throw new AlreadyExistsError(
        'table',
        displayName(ns, name),
        ref,
        existing.type === 'ICEBERG_VIEW' ? 'view' : 'namespace',
      );
    throw new NoSuchTableError(displayName(ns, name), ref);
  }
  if (!existing && !creating) throw new NoSuchTableError(displayName(ns, name), ref);
  if (!existing) await requireNamespace(ctx, head.hash, ns, ref);
  // Only read here: applyTableCommit works on a copy of it.
  const base = existing ? await readTableMetadata(ctx, existing.metadataLocation, { copy: false }) : undefined;
  const defaultLocation = base ? undefined : await defaultObjectLocation(ctx, ctx.store, head.hash, ns, name);
  const applied = applyTableCommit(base, requirements, updates, { now: Date.now(), defaultLocation });
  if (existing && base && updates.length === 0) {
    return {
      ops: [],
      written: existing.metadataLocation,
      metadata: base,
      metadataText: stringifyJson(tableMetadataToJson(base)),
      message: '',
      changed: false,
    };
  }
  const md = await catalogManaged(ctx, applied, base);
  const written = await writeTableMetadata(
    ctx,
    md,
    existing && base ? { location: existing.metadataLocation, lastUpdatedMs: base['last-updated-ms'] } : undefined,
    { journal: true },
  );
  const ops: Operation[] = [
    { type: 'PUT', key, content: tableContent(written.location, written.metadata, existing?.id) },
  ];
  if (!existing) ops.push({ type: 'UNCHANGED', key: namespaceKey(ns) });
  return {
    ops,
    written: written.location,
    metadata: written.metadata,
    metadataText: written.text,
    journaled: written.journaled,
    message: describeTableChange(displayName(ns, name), updates, !existing),
    changed: true,
  };
}

/**
 * Commits changes to one table (updateTable): requirements are checked against the table as it is when the commit
 * lands, retried from a fresh read when another writer got there first.
 */
export async function commitTable(
  ctx: Ctx,
  ref: string,
  ns: string[],
  name: string,
  req: CommitTableRequest,
  info?: CommitInfo,
): Promise<{ metadataLocation: string; metadata: TableMetadata; metadataText: string }> {
  return withCommitRetry(async () => {
    const head = await writableRef(ctx.store, ref);
    const change = await prepareTableChange(ctx, head, ref, ns, name, req.requirements, req.updates);
    if (change.changed)
      await commitOrDiscard(
        ctx,
        head,
        commitMeta(info, change.message),
        change.ops,
        [change.written],
        journaledOf([change]),
      );
    return { metadataLocation: change.written, metadata: change.metadata, metadataText: change.metadataText };
  });
}

/** Commits changes to several tables as one store commit: all land or none does. */
export async function commitTransaction(
  ctx: Ctx,
  ref: string,
  changes: Array<{ identifier: TableIdentifier; requirements: TableRequirement[]; updates: TableUpdate[] }>,
  info?: CommitInfo,
): Promise<void> {
  const seen = new Set<string>();
  for (const c of changes) {
    const id = objectKey(c.identifier.namespace, c.identifier.name).elements.join('\u0000');
    if (seen.has(id))
      throw new BadRequestError(
        `Table ${displayName(c.identifier.namespace, c.identifier.name)} appears twice in one transaction.`,
      );
    seen.add(id);
  }
  await withCommitRetry(async () => {
    const head = await writableRef(ctx.store, ref);
    const prepared: PreparedChange[] = [];
    try {
      for (const c of changes) {
        prepared.push(
          await prepareTableChange(
            ctx,
            head,
            ref,
            c.identifier.namespace,
            c.identifier.name,
            c.requirements,
            c.updates,
          ),
        );
      }
    } catch (err) {
      await Promise.all(prepared.filter((p) => p.changed).map((p) => discardMetadata(ctx, p.written)));
      throw err;
    }
    const real = prepared.filter((p) => p.changed);
    if (real.length === 0) return;
    // A namespace asserted unchanged by one table may be the key another change writes; keep one op per key.
    const ops = new Map<string, Operation>();
    for (const p of real)
      for (const op of p.ops)
        if (!(op.type === 'UNCHANGED' && ops.has(op.key.elements.join('\u0000'))))
          ops.set(op.key.elements.join('\u0000'), op);
    const message = real.length === 1 ? real[0].message : `transaction: ${real.map((p) => p.message).join('; ')}`;
    await commitOrDiscard(
      ctx,
      head,
      commitMeta(info, message),
      [...ops.values()],
      real.map((p) => p.written),
      journaledOf(real),
    );
  });
}

/**
 * Drops a table from the branch. With purge, the files of the dropped version that nothing else reaches (no branch or
 * tag head, kept commit or other table) are deleted, one by one; see {@link purgeDroppedTable}.
 */
export async function dropTable(
  ctx: Ctx,
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

/** Registers an existing metadata file as a table (overwrite replaces an existing table's pointer). */
export async function registerTable(
  ctx: Ctx,
  ref: string,
  ns: string[],
  req: RegisterTableRequest,
  info?: CommitInfo,
): Promise<LoadedTable> {
  const metadataLocation = await ctx.locations.confine(req['metadata-location'], 'Metadata file');
  const metadata = await namedByClient(readTableMetadata(ctx, metadataLocation), metadataLocation);
  await ctx.locations.confine(metadata.location, 'Table location of the registered metadata');
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
