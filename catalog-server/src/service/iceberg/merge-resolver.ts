import {
  AvroFormatError,
  IcebergFormatError,
  mergeByKey,
  sameViewDefinition,
  type MergeConflictKind,
} from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import type { Content, IcebergViewContent, KeyResolution, MergeResolver, NamespaceContent } from '../../store/types.ts';
import { BadRequestError, StorageObjectNotFoundError, LocationNotAllowedError } from '../../errors/index.ts';
import { discardMetadata, ioFor, readViewMetadata } from './metadata-io.ts';
import { replayTable, ReplayRefusal, type ReplayWrites } from './table-replay.ts';

type Deps = Pick<AppContext, 'warehouse' | 'warehouses' | 'locations'> & Partial<Pick<AppContext, 'fileJournal'>>;

/**
 * The content-aware merge for Iceberg: a table that the source and the target both changed since the merge base
 * gets the source's new snapshots replayed on top of the target's current snapshot, the way a writer retries after
 * a concurrent commit (pure rules in `@ratatouille/iceberg` `merge/`); namespaces merge their properties key by key.
 * It writes the new manifest lists (and manifests where a merge append mixed old and new files) and one metadata
 * file per table, and deletes them again when the merge does not land. On a local file warehouse with SQLite they are
 * written without their fsync and journaled with the merge commit, as a commit's metadata file is
 * (service/storage/file-journal.ts): the merge then waits for the database's one fsync instead of two per file.
 *
 * @example await ctx.store.merge({ fromRefName: 'b', toBranch: 'main', resolver: icebergMergeResolver(ctx) })
 */
export function icebergMergeResolver(ctx: Deps): MergeResolver {
  const written = new WeakMap<KeyResolution, string[]>();
  return {
    async resolve(k, { write }) {
      const name = k.key.elements.join('.');
      const { base, source, target } = k;
      if (base?.type === 'NAMESPACE' && source?.type === 'NAMESPACE' && target?.type === 'NAMESPACE') {
        return mergeNamespace(base, source, target);
      }
      if (source?.type === 'ICEBERG_VIEW' && target?.type === 'ICEBERG_VIEW' && source.id === target.id) {
        return mergeView(ctx, name, source, target);
      }
      if (base?.type !== 'ICEBERG_TABLE' || source?.type !== 'ICEBERG_TABLE' || target?.type !== 'ICEBERG_TABLE') {
        return refusal('changed-on-both-sides', `"${name}" was changed on both sides`);
      }
      if (source.id !== target.id) {
        return refusal('different-tables', `"${name}" is a different table on each side (dropped and re-created)`);
      }
      const files: ReplayWrites = { locations: [], journaled: [] };
      try {
        const r = await replayTable(ctx, base, source, target, write, files);
        written.set(r, files.locations);
        return r;
      } catch (err) {
        await removeAll(ctx, files.locations);
        if (err instanceof ReplayRefusal) {
          return { kind: 'conflict', message: `table "${name}": ${err.message}`, kinds: err.kinds };
        }
        // A missing or unreadable metadata file or manifest, or one outside the catalog's storage: this table cannot be
        // replayed, but the merge can still take one side (FORCE/DROP). Storage outages and access errors stay errors.
        if (unreadable(err)) {
          return refusal('unreadable', `table "${name}" cannot be replayed: ${err.message}`);
        }
        throw err;
      }
    },
    async discard(r) {
      await removeAll(ctx, written.get(r) ?? []);
      written.delete(r);
    },
    landed(r) {
      written.delete(r);
      if (r.kind === 'resolved' && r.files?.length) ctx.fileJournal?.settle(r.files);
    },
  };
}

/** A refusal of one reason: its message and its kind (what git-sync and other callers decide on). */
function refusal(kind: MergeConflictKind, message: string): KeyResolution {
  return { kind: 'conflict', message, kinds: [kind] };
}

/** A missing or unreadable metadata file or manifest, or one outside the catalog's storage (not an outage). */
function unreadable(err: unknown): err is Error {
  return (
    err instanceof BadRequestError ||
    err instanceof IcebergFormatError ||
    err instanceof AvroFormatError ||
    err instanceof StorageObjectNotFoundError ||
    err instanceof LocationNotAllowedError
  );
}

/**
 * A view both sides changed: two branches that replaced it with the same definition wrote different metadata files,
 * which is not a conflict (the target's is kept); any other difference is.
 */
async function mergeView(
  ctx: Deps,
  name: string,
  source: IcebergViewContent,
  target: IcebergViewContent,
): Promise<KeyResolution> {
  try {
    const [s, t] = await Promise.all([source, target].map((c) => readViewMetadata(ctx, c.metadataLocation)));
    if (sameViewDefinition(s, t))
      return { kind: 'resolved', value: target, summary: 'the same change on both sides' } as const;
  } catch (err) {
    if (!unreadable(err)) throw err;
  }
  return refusal('view-changed-on-both-sides', `view "${name}" was changed differently on both sides`);
}

function mergeNamespace(base: NamespaceContent, source: NamespaceContent, target: NamespaceContent): KeyResolution {
  const m = mergeByKey(base.properties, source.properties, target.properties, (a, b) => a === b);
  if (m.conflicts.length > 0) {
    const keys = m.conflicts.map((c) => `"${c}"`).join(', ');
    return refusal('namespace-changed-on-both-sides', `namespace property ${keys} set differently on both sides`);
  }
  const value: Content = { ...target, properties: m.merged };
  return { kind: 'resolved', value, summary: `merged properties (${m.carried.join(', ')} from the source)` };
}

async function removeAll(ctx: Deps, files: string[]): Promise<void> {
  for (const f of files) {
    if (f.endsWith('.metadata.json')) await discardMetadata(ctx, f);
    else
      await ioFor(ctx, f)
        .delete(f)
        .catch(() => undefined); // an unreferenced file is harmless
  }
}
