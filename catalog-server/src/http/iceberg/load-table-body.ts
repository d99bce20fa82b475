import { stringifyJson } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { readTableMetadata } from '../../service/iceberg/index.ts';
import { tableMetadataFor } from './serialize.ts';

/** The `metadata` member of a LoadTableResult as JSON text, and the table location its storage config depends on. */
export interface TableMetadataText {
  json: string;
  tableLocation: string;
}

/**
 * Serialized table metadata by metadata file location and snapshots mode, least recently used dropped past
 * `maxBytes`. A metadata file never changes once written (each commit writes a new, uniquely named one), so an entry
 * never goes stale: the key is the location the ref's current head names, looked up on every request, never the
 * ref. Only the metadata is cached; storage config and vended credentials are built per request, because they depend
 * on who asks and expire.
 */
export class TableMetadataTextCache {
  private readonly entries = new Map<string, TableMetadataText>();
  private bytes = 0;

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  get(key: string): TableMetadataText | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  put(key: string, value: TableMetadataText): void {
    if (value.json.length > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) this.bytes -= old.json.length;
    this.entries.delete(key);
    this.entries.set(key, value);
    this.bytes += value.json.length;
    while (this.bytes > this.maxBytes) {
      const [k, v] = this.entries.entries().next().value as [string, TableMetadataText];
      this.entries.delete(k);
      this.bytes -= v.json.length;
    }
  }
}

const caches = new WeakMap<AppContext, TableMetadataTextCache>();

/**
 * The serialized metadata of a table's metadata file (from the app's cache, else read, serialized once and cached).
 * The caller has already resolved the ref's head and checked that the file exists (`loadTableEntry`).
 *
 * @example const { json } = await tableMetadataText(ctx, entry.metadataLocation, 'all')
 */
export async function tableMetadataText(
  ctx: AppContext,
  metadataLocation: string,
  snapshots: 'all' | 'refs',
): Promise<TableMetadataText> {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new TableMetadataTextCache();
    caches.set(ctx, cache);
  }
  const key = `${snapshots}\u0000${metadataLocation}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const md = await readTableMetadata(ctx, metadataLocation);
  const value = { json: stringifyJson(tableMetadataFor(md, snapshots)), tableLocation: md.location };
  cache.put(key, value);
  return value;
}

/**
 * A LoadTableResult body as text around already serialized metadata (same members, same order as
 * `loadTableResult`).
 *
 * @example loadTableResultText(loc, json, { 's3.region': 'eu-west-1' }, [])
 */
export function loadTableResultText(
  metadataLocation: string,
  metadataJson: string,
  config: Record<string, string>,
  credentials: Array<{ prefix: string; config: Record<string, string> }>,
): string {
  const creds = credentials.length > 0 ? `,"storage-credentials":${stringifyJson(credentials)}` : '';
  return `{"metadata-location":${JSON.stringify(metadataLocation)},"metadata":${metadataJson},"config":${stringifyJson(config)}${creds}}`;
}
