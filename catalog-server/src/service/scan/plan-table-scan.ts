import { randomUUID } from 'node:crypto';
import {
  ManifestContent,
  type ManifestFile,
  type PlannedTask,
  type RestScanTasks,
  type PlanTableScanRequest,
  type Snapshot,
  type TableMetadata,
} from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { BadRequestError, UnprocessableEntityError } from '../../errors/index.ts';
import { displayName } from '../iceberg/keys.ts';
import { tableStorage, type CallerRights } from '../iceberg/storage-access.ts';
import type { ClientAccess } from '../signing/client-access.ts';
import { loadTable } from '../iceberg/table-reads.ts';
import { encodePlanTask } from './plan-task-token.ts';
import {
  bindTableScan,
  NO_DELETES,
  manifestTasks,
  manifestsToScan,
  scanTasksAnswer,
  snapshotById,
  snapshotDeletes,
  snapshotManifests,
  scanSchemaId,
  type ScanOptions,
  type TableScan,
} from './table-scan.ts';

type Deps = Pick<AppContext, 'store' | 'locations' | 'warehouse' | 'warehouses'> & Parameters<typeof tableStorage>[0];

/**
 * How big a plan may be to be answered with its file scan tasks at once: up to this many data manifests holding up to
 * `INLINE_FILES` files. A larger plan answers with plan tasks, which the client fetches (in parallel, Java's client
 * does) from `POST …/tasks`, one per manifest and per `TASK_ENTRIES` entries of a larger manifest, so that no one
 * answer holds more than a few thousand files (a task is a few hundred bytes of JSON, more with column stats).
 */
export const INLINE_MANIFESTS = 4;
export const INLINE_FILES = 1_000;
export const TASK_ENTRIES = 10_000;

/** `CompletedPlanningWithIDResult`: planning here is synchronous, so a plan is complete when it is answered. */
export type PlanTableScanResult = { status: 'completed'; 'plan-id': string } & Partial<RestScanTasks> & {
    'plan-tasks'?: string[];
    'storage-credentials'?: unknown[];
  };

/**
 * Plans a scan of a table at a reference on the server (`POST …/tables/{table}/plan`): a point-in-time scan of
 * `snapshot-id` (the current snapshot by default), or an incremental append scan of the files the append snapshots
 * after `start-snapshot-id` up to `end-snapshot-id` added. Manifests and files are kept when their partitions and
 * column bounds may hold rows the filter matches (a superset: the client still applies the filter to rows), each data
 * file with the delete files that apply to it. `storage-credentials` come with it when the client asked for vended
 * credentials (as with a load).
 *
 * @example await planTableScan(ctx, 'main', ['shop'], 'orders', { filter: { type: 'eq', term: 'id', value: 1 } }, access)
 */
export async function planTableScan(
  ctx: Deps,
  ref: string,
  ns: string[],
  name: string,
  req: PlanTableScanRequest,
  access: { client: ClientAccess; caller: CallerRights },
): Promise<PlanTableScanResult> {
  const t = await loadTable(ctx, ref, ns, name, { copy: false });
  const planned = await scanUnits(ctx, displayName(ns, name), t.metadata, req);
  const credentials = (await tableStorage(ctx, ref, t.metadata, access.client, access.caller, ns)).credentials;
  const answer: PlanTableScanResult = { status: 'completed', 'plan-id': randomUUID() };
  if (credentials.length) answer['storage-credentials'] = credentials;
  const { scan, options } = planned;
  const units = enoughFor(req['min-rows-requested'] ?? undefined, planned);
  const files = units.reduce((n, u) => n + liveFiles(u.manifest), 0);
  if (units.length > INLINE_MANIFESTS || files > INLINE_FILES) {
    const tasks = units.flatMap((u) =>
      entryRanges(u.manifest, TASK_ENTRIES).map((entries) =>
        encodePlanTask({
          filter: options.filter,
          caseSensitive: options.caseSensitive,
          schemaId: options.schemaId,
          statsFields: options.statsFields,
          metadataLocation: t.metadataLocation!,
          snapshotId: String(u.snapshot['snapshot-id']),
          manifestPath: u.manifest.manifestPath,
          entries,
          addedOnly: u.addedOnly,
        }),
      ),
    );
    return { ...answer, 'plan-tasks': tasks };
  }
  const deletes = planned.deleteManifests.length
    ? await snapshotDeletes(ctx, scan, planned.deleteManifests)
    : NO_DELETES;
  const tasks: PlannedTask[] = [];
  for (const u of units) {
    const addedBy = u.addedOnly ? u.snapshot['snapshot-id'] : undefined;
    tasks.push(...(await manifestTasks(ctx, scan, u.manifest, deletes, { addedBy })));
  }
  return { ...answer, ...scanTasksAnswer(scan, tasks, deletes) };
}

/**
 * The units a scan needs for `minRows` rows (a `LIMIT` the client pushed down): the first manifests whose rows, as
 * the manifest list counts them, reach it. Only where those counts are the scan's rows: no filter (which would drop
 * some) and no delete files (which would remove some); otherwise, or when the counts are missing, every unit.
 *
 * @example enoughFor(10n, planned) // the first manifest alone, when it holds 10 rows or more
 */
export function enoughFor(
  minRows: bigint | undefined,
  planned: { scan: { filter: unknown }; units: ScanUnit[]; deleteManifests: unknown[] },
): ScanUnit[] {
  const { units } = planned;
  if (minRows === undefined || planned.scan.filter !== undefined || planned.deleteManifests.length > 0) return units;
  let rows = 0n;
  for (let i = 0; i < units.length; i++) {
    const m = units[i]!.manifest;
    // An incremental scan counts only what each snapshot added.
    const live = units[i]!.addedOnly
      ? m.addedRowsCount
      : BigInt(m.addedRowsCount ?? 0) + BigInt(m.existingRowsCount ?? 0);
    if (live === null || live === undefined) return units;
    rows += BigInt(live);
    if (rows >= minRows) return units.slice(0, i + 1);
  }
  return units;
}

/** Live files of a manifest as its manifest list entry counts them. */
function liveFiles(m: ManifestFile): number {
  return (m.addedFilesCount ?? 0) + (m.existingFilesCount ?? 0);
}

/**
 * The entry ranges of a manifest's plan tasks: the whole manifest (no range) up to `size` entries, else `[0, size)`,
 * `[size, 2·size)`, … over every entry the manifest list counts (deleted ones too: ranges are over the file's entries).
 * The last range runs to the end of the file whatever the counts say, so a manifest list that counts short loses
 * no file.
 *
 * @example entryRanges({ addedFilesCount: 25_000, existingFilesCount: 0, deletedFilesCount: 0 }, 10_000) // [[0, 10000], [10000, 20000], [20000, MAX_SAFE_INTEGER]]
 */
export function entryRanges(
  m: Pick<ManifestFile, 'addedFilesCount' | 'existingFilesCount' | 'deletedFilesCount'>,
  size: number,
): Array<[number, number] | undefined> {
  const total = (m.addedFilesCount ?? 0) + (m.existingFilesCount ?? 0) + (m.deletedFilesCount ?? 0);
  if (total <= size) return [undefined];
  const out: Array<[number, number]> = [];
  for (let start = 0; start < total; start += size) out.push([start, start + size]);
  out[out.length - 1]![1] = Number.MAX_SAFE_INTEGER;
  return out;
}

/** One data manifest a scan reads, of the snapshot that lists it; `addedOnly`: only the files that snapshot added. */
export interface ScanUnit {
  snapshot: Snapshot;
  manifest: ManifestFile;
  addedOnly: boolean;
}

/**
 * What a plan request reads: the data manifests (of the snapshot scanned, or of each append snapshot of an
 * incremental scan) and the delete manifests whose partitions the filter may match, with the scan bound to the schema
 * of the snapshot (time travel with `use-snapshot-schema`) or the current one.
 */
async function scanUnits(
  ctx: Deps,
  table: string,
  md: TableMetadata,
  req: PlanTableScanRequest,
): Promise<{ scan: TableScan; options: ScanOptions; units: ScanUnit[]; deleteManifests: ManifestFile[] }> {
  const incremental = req['end-snapshot-id'] != null;
  const id = incremental ? req['end-snapshot-id'] : (req['snapshot-id'] ?? md['current-snapshot-id']);
  const snapshot =
    id === null || id === undefined ? undefined : snapshotById(md, id, incremental ? 'end snapshot' : 'snapshot');
  const options: ScanOptions = {
    filter: req.filter,
    caseSensitive: req['case-sensitive'] ?? true,
    schemaId: scanSchemaId(md, snapshot, req['use-snapshot-schema'] ?? false),
    select: req.select ?? undefined,
    statsFields: req['stats-fields'] ?? undefined,
  };
  const scan = bindTableScan(table, md, options);
  if (!scan)
    throw new UnprocessableEntityError(`Cannot plan a scan of "${table}": schema ${options.schemaId} is missing.`);
  if (!snapshot) return { scan, options, units: [], deleteManifests: [] };
  if (incremental) {
    const units: ScanUnit[] = [];
    for (const s of appendsBetween(md, req['start-snapshot-id'] ?? undefined, snapshot)) {
      for (const m of manifestsToScan(scan, await snapshotManifests(ctx, scan, s), ManifestContent.DATA))
        if (BigInt(m.addedSnapshotId) === s['snapshot-id']) units.push({ snapshot: s, manifest: m, addedOnly: true });
    }
    return { scan, options, units, deleteManifests: [] };
  }
  const manifests = await snapshotManifests(ctx, scan, snapshot);
  return {
    scan,
    options,
    units: manifestsToScan(scan, manifests, ManifestContent.DATA).map((manifest) => ({
      snapshot,
      manifest,
      addedOnly: false,
    })),
    deleteManifests: manifestsToScan(scan, manifests, ManifestContent.DELETES),
  };
}

/**
 * The append snapshots after `start` (exclusive; without it, from the first ancestor) up to `end` (inclusive), oldest
 * first: what an incremental append scan reads. `start` must be an ancestor of `end` (400 otherwise, as Java's scan
 * refuses it).
 */
function appendsBetween(md: TableMetadata, start: bigint | undefined, end: Snapshot): Snapshot[] {
  const byId = new Map(md.snapshots.map((s) => [s['snapshot-id'], s]));
  const out: Snapshot[] = [];
  for (let s: Snapshot | undefined = end; ; s = byId.get(s['parent-snapshot-id'] ?? -1n)) {
    if (!s && start === undefined) break;
    if (!s)
      throw new BadRequestError(
        `Cannot plan the incremental scan: start snapshot ${start} is not an ancestor of end snapshot ${end['snapshot-id']}.`,
      );
    if (s['snapshot-id'] === start) break;
    if ((s.summary['operation'] ?? 'append') === 'append') out.push(s);
  }
  return out.reverse();
}
