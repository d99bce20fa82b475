import { currentSnapshot } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import type { Content, ContentKey } from '../../store/types.ts';
import { readTableMetadata } from '../iceberg/metadata-io.ts';
import { formatContentKey } from '../management/content-key.ts';
import { lineageGraph, visibleLineage, type LineageNode, type TableRecord } from './lineage-graph.ts';

/** Tables one answer reads at most: a reference with more is answered for the first ones in key order. */
export const LINEAGE_MAX_TABLES = 10_000;
/** Metadata files read at once (each from the parsed-metadata cache when it holds them). */
const READS_AT_ONCE = 16;

export interface TableLineage {
  ref: string;
  hash: string;
  tables: LineageNode[];
  truncated: boolean;
  /** Tables whose metadata could not be read (moved, deleted behind the catalog): their provenance is unknown. */
  unreadable: string[];
  /** Tables left out because the caller may not read their namespaces (namespace-restricted auth rules). */
  withheld: number;
}

type Deps = Pick<AppContext, 'store' | 'warehouse' | 'warehouses' | 'locations'>;

/**
 * The lineage of the tables on a reference (see `lineageGraph`): lists its Iceberg tables (at most
 * {@link LINEAGE_MAX_TABLES}, then `truncated`) and reads each one's current snapshot summary from its metadata file,
 * through the catalog's storage and metadata cache. Only reads. With `visible` (a namespace-restricted reader's
 * namespaces), only the tables there, and nothing about the others (see `visibleLineage`).
 *
 * @example (await tableLineage(ctx, 'main')).tables.map((t) => t.key) // ['bronze.orders', 'silver.orders', …]
 */
export async function tableLineage(
  ctx: Deps,
  refSpec: string,
  visible?: (namespace: readonly string[]) => boolean,
): Promise<TableLineage> {
  const at = await ctx.store.resolve(refSpec);
  const entries: Array<{ key: ContentKey; content: Content }> = [];
  let token: string | undefined;
  let truncated = false;
  do {
    const page = await ctx.store.listEntries(at.hash, {
      types: ['ICEBERG_TABLE'],
      withContent: true,
      maxRecords: 1000,
      pageToken: token,
    });
    for (const e of page.items) {
      if (entries.length === LINEAGE_MAX_TABLES) {
        truncated = true;
        break;
      }
      if (e.content) entries.push({ key: e.key, content: e.content });
    }
    token = truncated ? undefined : page.token;
  } while (token);

  const records: TableRecord[] = [];
  const unreadable: string[] = [];
  for (let i = 0; i < entries.length; i += READS_AT_ONCE) {
    const batch = entries.slice(i, i + READS_AT_ONCE);
    records.push(
      ...(await Promise.all(
        batch.map(async ({ key, content }): Promise<TableRecord> => {
          const text = formatContentKey(key);
          const record: TableRecord = { key: text, elements: key.elements, snapshot: null };
          if (content.type !== 'ICEBERG_TABLE') return record;
          try {
            const md = await readTableMetadata(ctx, content.metadataLocation, { copy: false });
            if (md.properties.comment) record.comment = md.properties.comment;
            const s = currentSnapshot(md);
            if (s)
              record.snapshot = { id: String(s['snapshot-id']), timestampMs: s['timestamp-ms'], summary: s.summary };
          } catch {
            unreadable.push(text);
          }
          return record;
        }),
      )),
    );
  }
  const graph = lineageGraph(records);
  if (!visible)
    return { ref: refSpec, hash: at.hash, tables: graph, truncated, unreadable: unreadable.sort(), withheld: 0 };
  const shown = visibleLineage(graph, visible, records);
  const readable = (key: string) => visible(records.find((r) => r.key === key)!.elements.slice(0, -1));
  return {
    ref: refSpec,
    hash: at.hash,
    tables: shown.nodes,
    truncated,
    unreadable: unreadable.filter(readable).sort(),
    withheld: shown.withheld,
  };
}
