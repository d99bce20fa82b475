import type { ManifestContent } from '@ratatouille/iceberg';
import {
  DeleteIndex,
  bindExpression,
  columnFieldId,
  decodeManifest,
  decodeManifestList,
  equalityDeleteMayMatchFilter,
  equalityFields,
  FileContent,
  fileMayMatch,
  liveEntries,
  manifestMayMatch,
  parseExpression,
  partitionFields,
  partitionKey,
  partitionMayMatch,
  residualFor,
  residualJson,
  restContentFile,
  restScanTasks,
  schemaFieldTypes,
  type BoundExpression,
  type DataFile,
  type DeleteEntry,
  type ManifestEntry,
  type ManifestFile,
  type PlannedTask,
  type RestContentFile,
  type RestScanTasks,
  type Schema,
  type Snapshot,
  type TableMetadata,
} from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { BadRequestError, UnprocessableEntityError } from '../../errors/index.ts';
import { readTableFile } from '../iceberg/read-table-file.ts';
import { decodedManifests } from './decoded-manifests.ts';

type Deps = Pick<AppContext, 'warehouse' | 'warehouses' | 'locations'> & Partial<Pick<AppContext, 'manifestCache'>>;

/** A scan bound to one table's metadata: what every manifest of the scan is read with. */
export interface TableScan {
  /** `ns.table`, for messages. */
  table: string;
  metadata: TableMetadata;
  /** The schema the filter and the names are bound to. */
  schema: Schema;
  filter: BoundExpression | undefined;
  /**
   * The filter as the request sent it (`true` without one): what each task's residual is cut down from, per partition
   * (Java needs a residual on every task; engines filter rows with it).
   */
  residual: unknown;
  /** Field ids whose stats the tasks carry; none when the request named none. */
  statsFieldIds: ReadonlySet<number>;
  /** Every field's type by id over all the table's schemas (current first): partition fields of older specs too. */
  fieldTypes: ReadonlyMap<number, string>;
}

/** The options of a scan request, as the plan request or a plan task carries them. */
export interface ScanOptions {
  filter: unknown;
  caseSensitive: boolean;
  /** The schema the filter and names bind to (see scanSchemaId). */
  schemaId: number;
  select?: string[] | undefined;
  statsFields?: string[] | undefined;
}

/** The live delete files of a snapshot, indexed for finding those that apply to a data file. */
export interface SnapshotDeletes {
  files: DeleteEntry[];
  index: DeleteIndex;
}

/**
 * The schema a scan binds to: the snapshot's when `useSnapshotSchema` (time travel, as the spec asks), else the
 * table's current one.
 */
export function scanSchemaId(md: TableMetadata, snapshot: Snapshot | undefined, useSnapshotSchema: boolean): number {
  const own = snapshot?.['schema-id'];
  return useSnapshotSchema && own !== undefined ? own : md['current-schema-id'];
}

/**
 * Binds a request's filter and column names to one of the table's schemas. An unknown column or a literal that does
 * not fit its column is a 400; a schema the table lacks is undefined (a plan task of metadata it no longer has).
 *
 * @example const scan = bindTableScan('shop.orders', md, { filter: { type: 'eq', term: 'id', value: 1 }, caseSensitive: true, schemaId: 0 })
 */
export function bindTableScan(table: string, metadata: TableMetadata, opts: ScanOptions): TableScan | undefined {
  const schema = metadata.schemas.find((s) => s['schema-id'] === opts.schemaId);
  if (!schema) return undefined;
  const field = (name: string) => columnFieldId(schema, name, opts.caseSensitive);
  for (const name of opts.select ?? []) field(name);
  const statsFieldIds = new Set((opts.statsFields ?? []).map(field));
  const given = opts.filter !== undefined && opts.filter !== null;
  const filter = given ? bindExpression(parseExpression(opts.filter), schema, opts.caseSensitive) : undefined;
  const others = metadata.schemas.filter((s) => s !== schema);
  const fieldTypes = schemaFieldTypes(schema, ...others);
  return { table, metadata, schema, filter, residual: given ? opts.filter : true, statsFieldIds, fieldTypes };
}

/** A snapshot of the table by id: 400 when the table has none such (expired, or never there). */
export function snapshotById(md: TableMetadata, id: bigint, what = 'snapshot'): Snapshot {
  const s = md.snapshots.find((x) => x['snapshot-id'] === id);
  if (!s)
    throw new BadRequestError(`Cannot plan the scan: the table has no ${what} ${id}.`, { snapshotId: String(id) });
  return s;
}

/** The manifests of a snapshot. */
export async function snapshotManifests(ctx: Deps, scan: TableScan, snapshot: Snapshot): Promise<ManifestFile[]> {
  const path = snapshot['manifest-list'];
  if (!path)
    throw new UnprocessableEntityError(
      `Cannot plan a scan of "${scan.table}": snapshot ${snapshot['snapshot-id']} lists its manifests inline (format v1 without a manifest list).`,
      { table: scan.table },
    );
  const list = await readTableFile(
    ctx,
    { doing: 'plan a scan of', table: scan.table, what: 'manifest list', path },
    decodeManifestList,
  );
  return list.manifests;
}

/** The manifests of `content` whose partition summaries may hold rows the filter matches. */
export function manifestsToScan(scan: TableScan, manifests: ManifestFile[], content: ManifestContent): ManifestFile[] {
  return manifests.filter(
    (m) =>
      m.content === content &&
      (!scan.filter || manifestMayMatch(scan.filter, specOf(scan, m.partitionSpecId), scan.schema, m.partitions ?? [])),
  );
}

/**
 * The live delete files of a snapshot's delete manifests, indexed: those in partitions the filter may match, and of
 * equality deletes those whose equality columns may hold values the filter selects (the rows they delete would be
 * filtered out anyway), as Java's `DeleteFileIndex` filters them.
 */
export async function snapshotDeletes(
  ctx: Deps,
  scan: TableScan,
  deleteManifests: ManifestFile[],
): Promise<SnapshotDeletes> {
  const files: DeleteEntry[] = [];
  for (const m of deleteManifests) {
    const inPartition = partitionTest(scan, m.partitionSpecId);
    for (const e of liveEntries(await manifestEntries(ctx, scan, m), m)) {
      if (!inPartition(e.file.partition)) continue;
      if (scan.filter && e.file.content === FileContent.EQUALITY_DELETES)
        if (!equalityDeleteMayMatchFilter(scan.filter, e.file)) continue;
      files.push({ file: e.file, dataSequenceNumber: e.dataSequenceNumber, specId: m.partitionSpecId });
    }
  }
  const specs = new Map(scan.metadata['partition-specs'].map((p) => [p['spec-id'], p]));
  return { files, index: new DeleteIndex(files, { specs, fields: equalityFields(scan.metadata.schemas) }) };
}

/** No deletes: what an incremental append scan applies. */
export const NO_DELETES: SnapshotDeletes = { files: [], index: new DeleteIndex([]) };

/** Entries `[start, end)` of a manifest, in file order (deleted entries count too). */
export type EntryRange = readonly [start: number, end: number];

/**
 * The file scan tasks of one data manifest (of its entries in `range`, when given): its live files (with `addedBy`,
 * only those that snapshot added) in partitions and with column bounds the filter may match, each with the deletes
 * that apply to it.
 */
export async function manifestTasks(
  ctx: Deps,
  scan: TableScan,
  manifest: ManifestFile,
  deletes: SnapshotDeletes,
  opts: { addedBy?: bigint | undefined; range?: EntryRange | undefined } = {},
): Promise<PlannedTask[]> {
  const { addedBy, range } = opts;
  const spec = specOf(scan, manifest.partitionSpecId);
  const inPartition = partitionTest(scan, manifest.partitionSpecId);
  const residualOf = residualTest(scan, manifest.partitionSpecId);
  const out: PlannedTask[] = [];
  const entries = await manifestEntries(ctx, scan, manifest);
  for (const e of liveEntries(range ? entries.slice(range[0], range[1]) : entries, manifest)) {
    if (addedBy !== undefined && (e.status !== 1 || e.snapshotId !== addedBy)) continue;
    if (!inPartition(e.file.partition) || (scan.filter && !fileMayMatch(scan.filter, e.file))) continue;
    out.push({
      dataFile: restContentFile(e.file, { spec, fieldTypes: scan.fieldTypes, stats: scan.statsFieldIds }),
      deletes: deletes.index.forDataFile(e.file, e.dataSequenceNumber, manifest.partitionSpecId),
      residualFilter: residualOf(e.file.partition),
    });
  }
  return out;
}

/** The spec's `ScanTasks` of some tasks: only the delete files they refer to are sent (and converted). */
export function scanTasksAnswer(scan: TableScan, tasks: PlannedTask[], deletes: SnapshotDeletes): RestScanTasks {
  const converted: RestContentFile[] = [];
  for (const i of new Set(tasks.flatMap((t) => t.deletes))) {
    const d = deletes.files[i]!;
    converted[i] = restContentFile(d.file, { spec: specOf(scan, d.specId), fieldTypes: scan.fieldTypes });
  }
  return restScanTasks(tasks, converted);
}

async function manifestEntries(ctx: Deps, scan: TableScan, m: ManifestFile): Promise<ManifestEntry[]> {
  const read = async () =>
    (
      await readTableFile(
        ctx,
        { doing: 'plan a scan of', table: scan.table, what: 'manifest', path: m.manifestPath },
        decodeManifest,
      )
    ).entries;
  return (ctx.manifestCache ?? decodedManifests).get(m.manifestPath, m.manifestLength, read);
}

function specOf(scan: TableScan, specId: number) {
  const spec = scan.metadata['partition-specs'].find((s) => s['spec-id'] === specId);
  if (!spec)
    throw new UnprocessableEntityError(
      `Cannot plan a scan of "${scan.table}": a manifest names partition spec ${specId}, which the table does not have.`,
      { table: scan.table },
    );
  return spec;
}

/**
 * The residual filter (JSON) of a data file of spec `specId` by its partition tuple: the filter reduced by what the
 * partition decides (see residual.ts), `true` when it decides everything; the whole filter for an unpartitioned spec,
 * as Java's `ResidualEvaluator` has it. Files of one partition share their residual, computed once.
 */
function residualTest(scan: TableScan, specId: number): (p: DataFile['partition']) => unknown {
  const { filter, residual } = scan;
  const spec = specOf(scan, specId);
  if (!filter || spec.fields.length === 0) return () => residual;
  const fields = partitionFields(spec, scan.schema);
  const known = new Map<string, unknown>();
  return (partition) => {
    const key = partitionKey(specId, partition);
    if (!known.has(key)) known.set(key, residualJson(residual, filter, residualFor(filter, fields, partition)));
    return known.get(key);
  };
}

function partitionTest(scan: TableScan, specId: number): (p: DataFile['partition']) => boolean {
  if (!scan.filter) return () => true;
  return partitionMayMatch(scan.filter, specOf(scan, specId), scan.schema);
}
