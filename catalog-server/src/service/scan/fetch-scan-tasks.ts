import { ManifestContent, type FetchScanTasksRequest, type RestScanTasks } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { NoSuchPlanTaskError } from '../../errors/index.ts';
import { displayName } from '../iceberg/keys.ts';
import { readTableMetadata } from '../iceberg/metadata-io.ts';
import { loadTable } from '../iceberg/table-reads.ts';
import { decodePlanTask } from './plan-task-token.ts';
import {
  bindTableScan,
  NO_DELETES,
  manifestTasks,
  manifestsToScan,
  scanTasksAnswer,
  snapshotDeletes,
  snapshotManifests,
} from './table-scan.ts';

type Deps = Pick<AppContext, 'store' | 'locations' | 'warehouse' | 'warehouses'>;

/**
 * The file scan tasks of one plan task (`POST …/tables/{table}/tasks`). The task is the client's to send back, so
 * nothing in it is taken on trust: its metadata file must be this table's at the reference (current, or in the
 * metadata log of the current one), its snapshot in that file, and its manifest a data manifest of that snapshot;
 * otherwise, or for a string this catalog did not make, 404 NoSuchPlanTaskException. The caller's right to read the
 * table was checked on the path like any read of it.
 *
 * @example await fetchScanTasks(ctx, 'main', ['shop'], 'orders', { 'plan-task': plan['plan-tasks'][0] })
 */
export async function fetchScanTasks(
  ctx: Deps,
  ref: string,
  ns: string[],
  name: string,
  req: FetchScanTasksRequest,
): Promise<RestScanTasks> {
  const table = displayName(ns, name);
  const task = decodePlanTask(req['plan-task']);
  if (!task) throw new NoSuchPlanTaskError(table, 'this catalog did not hand out that plan task');
  const current = await loadTable(ctx, ref, ns, name, { copy: false });
  const known =
    current.metadataLocation === task.metadataLocation ||
    current.metadata['metadata-log'].some((e) => e['metadata-file'] === task.metadataLocation);
  if (!known) throw new NoSuchPlanTaskError(table, 'it was planned on metadata this table does not have here');
  const md =
    current.metadataLocation === task.metadataLocation
      ? current.metadata
      : await readTableMetadata(ctx, task.metadataLocation, { copy: false });
  const snapshot = md.snapshots.find((s) => String(s['snapshot-id']) === task.snapshotId);
  if (!snapshot) throw new NoSuchPlanTaskError(table, `its snapshot ${task.snapshotId} is gone`);
  const scan = bindTableScan(table, md, {
    filter: task.filter,
    caseSensitive: task.caseSensitive,
    schemaId: task.schemaId,
    statsFields: task.statsFields,
  });
  if (!scan) throw new NoSuchPlanTaskError(table, `its schema ${task.schemaId} is gone`);
  const manifests = await snapshotManifests(ctx, scan, snapshot);
  const manifest = manifests.find((m) => m.manifestPath === task.manifestPath && m.content === ManifestContent.DATA);
  if (!manifest) throw new NoSuchPlanTaskError(table, `its manifest is not in snapshot ${task.snapshotId}`);
  // An incremental append scan reads no deletes: the plan task says which kind of scan it belongs to.
  const deletes = task.addedOnly
    ? NO_DELETES
    : await snapshotDeletes(ctx, scan, manifestsToScan(scan, manifests, ManifestContent.DELETES));
  const addedBy = task.addedOnly ? snapshot['snapshot-id'] : undefined;
  const tasks = await manifestTasks(ctx, scan, manifest, deletes, { addedBy, range: task.entries });
  return scanTasksAnswer(scan, tasks, deletes);
}
