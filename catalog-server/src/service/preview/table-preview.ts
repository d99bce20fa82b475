import { currentSnapshot, type TableMetadata } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { BadRequestError, NoSuchTableError } from '../../errors/index.ts';
import type { ContentKey } from '../../store/types.ts';
import { readTableMetadata } from '../iceberg/metadata-io.ts';
import { cellText } from './cell-text.ts';
import { decodePreviewToken, encodePreviewToken } from './preview-page-token.ts';
import { columnsOf, currentSchema, type ColumnInfo, type SchemaField } from './columns.ts';
import { SnapshotRows } from './snapshot-rows.ts';

export interface TablePreview {
  /** The snapshot read, as an exact decimal string; null for a table without data. */
  snapshotId: string | null;
  columns: ColumnInfo[];
  /** Values as text (see cellText), in column order. */
  rows: Array<Array<string | null>>;
  /** `total-records` of the snapshot summary: records in the data files, delete files not applied (when recorded). */
  totalRecords: string | null;
  /** More rows exist than were returned. */
  truncated: boolean;
  /** Pass as `pageToken` for the rows after these (same snapshot); null on the last page. */
  nextPageToken: string | null;
  dataFiles: number;
  deleteFiles: number;
}

type Deps = Pick<AppContext, 'store' | 'warehouse' | 'warehouses' | 'locations'>;

/**
 * The first `limit` rows of a table at a reference, as a reader sees them: the current snapshot's data files with
 * position deletes (same file and position, delete sequence number ≥ the data file's) and equality deletes (equal on
 * the delete's columns, delete sequence number > the data file's) applied. Data files are read one at a time until
 * enough rows are found; every delete file is read first. With `pageToken` (a previous page's `nextPageToken`), the
 * next `limit` rows of the snapshot that page read; data files no delete applies to are skipped by their record count
 * without being read.
 *
 * @example const p = await previewTable(ctx, 'main', { elements: ['shop', 'orders'] }, 50); p.rows[0] // ['1', 'apple']
 */
export async function previewTable(
  ctx: Deps,
  refSpec: string,
  key: ContentKey,
  limit: number,
  pageToken?: string,
): Promise<TablePreview> {
  const from = pageToken === undefined ? undefined : decodePreviewToken(pageToken);
  const at = await ctx.store.resolve(refSpec);
  const content = await ctx.store.getContent(at.hash, key);
  if (!content || content.type !== 'ICEBERG_TABLE') throw new NoSuchTableError(key.elements.join('.'), refSpec);
  // Only read: the cached metadata itself, not a copy of its history.
  const md = await readTableMetadata(ctx, content.metadataLocation, { copy: false });
  const fields = currentSchema(md).fields as SchemaField[];
  const columns = columnsOf(fields);
  const snapshot = from ? pinnedSnapshot(md, from.snapshotId) : currentSnapshot(md);
  const empty = { columns, rows: [], truncated: false, nextPageToken: null, dataFiles: 0, deleteFiles: 0 };
  if (!snapshot?.['manifest-list']) return { ...empty, snapshotId: null, totalRecords: null };
  const base = {
    snapshotId: String(snapshot['snapshot-id']),
    totalRecords: snapshot.summary['total-records'] === undefined ? null : String(snapshot.summary['total-records']),
  };

  const table = key.elements.join('.');
  const snap = await SnapshotRows.open(ctx, 'preview', table, snapshot['manifest-list']);
  await snap.loadDeletes(fields);

  const rows: Array<Array<string | null>> = [];
  let truncated = false;
  let skip = from?.offset ?? 0;
  for (const f of snap.data) {
    if (rows.length >= limit) {
      truncated = true;
      break;
    }
    const count = Number(f.file.recordCount);
    if (snap.untouched(f) && skip >= count) {
      skip -= count;
      continue;
    }
    const { cols, live } = await snap.liveRows(f, fields);
    const readers = fields.map((c) => cols.column(c.id, c.name));
    for (const i of live) {
      if (skip > 0) {
        skip--;
        continue;
      }
      if (rows.length >= limit) {
        truncated = true;
        break;
      }
      rows.push(fields.map((c, n) => cellText(readers[n]?.(i) ?? null, c.type)));
    }
  }
  const next = { snapshotId: base.snapshotId, offset: (from?.offset ?? 0) + rows.length };
  return {
    ...base,
    columns,
    rows,
    truncated,
    nextPageToken: truncated ? encodePreviewToken(next) : null,
    dataFiles: snap.data.length,
    deleteFiles: snap.deleteFiles,
  };
}

/** The snapshot a page token names; 400 once it is no longer in the table's metadata at this reference. */
function pinnedSnapshot(md: TableMetadata, id: string) {
  const s = md.snapshots.find((x) => BigInt(x['snapshot-id']) === BigInt(id));
  if (!s)
    throw new BadRequestError(`Snapshot ${id} of the page token is not in the table here: start from the first page.`);
  return s;
}
