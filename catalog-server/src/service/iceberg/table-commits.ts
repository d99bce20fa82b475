import {
  applyTableCommit,
  encodeTableMetadataJson,
  sameTableMetadata,
  tableMetadataToJson,
  type CommitTableRequest,
  type TableIdentifier,
  type TableRequirement,
  type TableUpdate,
} from '@ratatouille/iceberg';
import type { JournaledFile, Operation } from '../../store/types.ts';
import { AlreadyExistsError, BadRequestError, NoSuchTableError } from '../../errors/index.ts';
import { writableRef, type WritableRef } from './refs.ts';
import { displayName, namespaceKey, objectKey } from './keys.ts';
import { withCommitRetry } from './retry.ts';
import { commitMeta, type CommitInfo } from './commit-info.ts';
import { discardMetadata, readTableMetadata, writeTableMetadata } from './metadata-io.ts';
import { describeTableChange } from './describe-commit.ts';
import { catalogManaged } from './table-policy.ts';
import {
  commitOrDiscard,
  defaultObjectLocation,
  journaledOf,
  requireNamespace,
  tableContent,
  type TableWriteCtx,
} from './object-writes.ts';

/* Commits to existing tables (updateTable) and multi-table transactions: requirements checked, updates applied. */

type Ctx = TableWriteCtx;

interface PreparedChange {
  ops: Operation[];
  written: string;
  /** The metadata's JSON bytes, which the commit's answer embeds: the new file's when one was written. */
  metadataBytes: Buffer;
  /** The new file, when it was written provisionally (see `writeTableMetadata`). */
  journaled?: JournaledFile;
  message: string;
  changed: boolean;
}

/**
 * One table's part of a commit, computed against the branch head just read: check requirements, apply updates, write
 * the new metadata file. A commit without changes (no updates, or only no-ops) writes nothing.
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
  // Updates that all turned out to be no-ops write nothing, like an empty commit: the table is answered as it is.
  if (existing && base && (updates.length === 0 || sameTableMetadata(base, applied))) {
    return {
      ops: [],
      written: existing.metadataLocation,
      metadataBytes: encodeTableMetadataJson(tableMetadataToJson(base)),
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
    metadataBytes: written.bytes,
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
): Promise<{ metadataLocation: string; metadataBytes: Buffer }> {
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
    return { metadataLocation: change.written, metadataBytes: change.metadataBytes };
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
