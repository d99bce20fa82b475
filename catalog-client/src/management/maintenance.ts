import type { Paged, PageOptions, ReferenceType } from './shapes.ts';
import { paging, query, type ManagementTransport } from './transport.ts';

/**
 * Ratatouille's maintenance extensions of the management API (`/api/v2/rat/…`): the reflog, garbage collection and the
 * tables released to other catalogs.
 */

export interface ReflogEntry {
  refName: string;
  refType: ReferenceType;
  previousHash: string | null;
  newHash: string | null;
  operation: string;
  at: string;
}

/** What `POST /api/v2/rat/gc` reports: what it kept, scanned, and deleted (or would delete on a dry run). */
export interface GcReport {
  dryRun: boolean;
  keepHistory: string;
  snapshots: 'all' | 'refs';
  graceMs: number | null;
  keptCommits: number;
  metadataFiles: number;
  reachableFiles: number;
  scannedFiles: number;
  files: Array<{ location: string; size: number }>;
  bytes: number;
  youngFiles: number;
  /** Unreachable files left in the folders of tables released to other catalogs (unregistered). */
  releasedFiles: number;
  deleted: number;
  foreignMetadata: string[];
  /** Files kept table versions name that could not be read: kept, with the table naming them (absent when none). */
  unreadable?: Array<{ table: string; metadata: string; location: string; error: string }>;
}

/** What `gc` may be asked: a dry run, how much history to keep, the grace period of young files, which snapshots. */
export interface GcOptions {
  dryRun?: boolean;
  keepHistory?: string;
  gracePeriod?: string;
  snapshots?: 'all' | 'refs';
}

/**
 * Ref head moves, newest first (not in Nessie).
 *
 * @example (await reflog(transport, { ref: 'main', maxRecords: 20 })).logEntries
 */
export function reflog(
  t: ManagementTransport,
  opts: PageOptions & { ref?: string } = {},
): Promise<Paged & { logEntries: ReflogEntry[] }> {
  return t.request('GET', `/rat/reflog${query({ ...paging(opts), ref: opts.ref })}`);
}

/**
 * Branch-aware garbage collection of the warehouses (`rat gc`); `dryRun` lists without deleting.
 *
 * @example (await gc(transport, { dryRun: true })).files
 */
export function gc(t: ManagementTransport, opts: GcOptions = {}): Promise<GcReport> {
  return t.request('POST', '/rat/gc', opts);
}

/** A table unregistered to another catalog: GC and purges leave its folders (`prefixes`) alone. */
export interface ReleasedTable {
  metadataLocation: string;
  prefixes: string[];
  ref: string;
  table: string[];
  releasedAt: string;
}

/**
 * Tables unregistered to other catalogs, a page at a time, in metadata-location order.
 *
 * @example (await releasedTables(transport)).releasedTables.map((r) => r.table.join('.'))
 */
export function releasedTables(
  t: ManagementTransport,
  opts: PageOptions = {},
): Promise<Paged & { releasedTables: ReleasedTable[] }> {
  return t.request('GET', `/rat/released-tables${query(paging(opts))}`);
}

/**
 * Takes the release of `metadataLocation` back: GC may collect the table's files again once nothing reaches them.
 *
 * @example await reclaimReleasedTable(transport, 'file:///wh/db/t-1/metadata/00003-….metadata.json')
 */
export async function reclaimReleasedTable(t: ManagementTransport, metadataLocation: string): Promise<void> {
  await t.request('DELETE', `/rat/released-tables${query({ metadataLocation })}`);
}
