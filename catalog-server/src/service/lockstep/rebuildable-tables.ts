import { currentSnapshot } from '@ratatouille/iceberg';
import { PROVENANCE } from '@ratatouille/iceberg/lockstep';
import type { AppContext } from '../../app-context.ts';
import type { ContentKey, VersionStore } from '../../store/types.ts';
import { readTableMetadata } from '../iceberg/metadata-io.ts';

/** The engine's own append-only tables (run records, file registry): a rebuild appends the source's rows. */
export const ENGINE_NAMESPACE = '_rat';

type Deps = Pick<AppContext, 'locations'> & { store: VersionStore };

/**
 * Splits tables both sides of a merge changed into those a merge with rebuild can settle (a SQL model produced the
 * source's version: its current snapshot carries `rat.model` and its `rat.inputs` are tables of the source commit;
 * or an engine table of `_rat`) and the rest (ingested source data, tables written by hand or by another tool), which
 * need a decision. The server only sees the data, not the
 * merged code, so `rat sync` classifies again against the code before rebuilding.
 *
 * @example await rebuildableTables(ctx, sourceHash, [{ elements: ['gold', 'daily_revenue'] }]) // { rebuildable: ['gold.daily_revenue'], blocking: [] }
 */
export async function rebuildableTables(
  ctx: Deps,
  sourceHash: string,
  keys: ContentKey[],
): Promise<{ rebuildable: string[]; blocking: string[] }> {
  const rebuildable: string[] = [];
  const blocking: string[] = [];
  for (const key of keys) {
    const name = key.elements.join('.');
    if (await isDerived(ctx, sourceHash, key)) rebuildable.push(name);
    else blocking.push(name);
  }
  return { rebuildable, blocking };
}

async function isDerived(ctx: Deps, sourceHash: string, key: ContentKey): Promise<boolean> {
  if (key.elements.length === 2 && key.elements[0] === ENGINE_NAMESPACE) return true;
  const content = await ctx.store.getContent(sourceHash, key);
  if (content?.type !== 'ICEBERG_TABLE') return false;
  try {
    const md = await readTableMetadata(ctx, content.metadataLocation, { copy: false });
    const summary = currentSnapshot(md)?.summary ?? {};
    if (summary[PROVENANCE.model] === undefined) return false;
    // An ingested source records its landing path as input: its data is not recomputable from tables.
    const inputs = (summary[PROVENANCE.inputs] ?? '').split(',').filter(Boolean);
    for (const input of inputs) {
      const read = await ctx.store.getContent(sourceHash, { elements: input.split('.') });
      if (read?.type !== 'ICEBERG_TABLE') return false;
    }
    return true;
  } catch {
    // Unreadable metadata (moved, outside the catalog's storage): nothing says a model produced it.
    return false;
  }
}
