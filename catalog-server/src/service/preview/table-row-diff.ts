import { currentSnapshot, type TableMetadata } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { BadRequestError, NoSuchTableError, RowDiffTooLargeError } from '../../errors/index.ts';
import type { ContentKey } from '../../store/types.ts';
import { readTableMetadata } from '../iceberg/metadata-io.ts';
import { cellText } from './cell-text.ts';
import { RowTally, type RowChanges, type RowText } from './row-changes.ts';
import { columnsOf, currentSchema, type ColumnInfo, type SchemaField } from './columns.ts';
import { SnapshotRows, type LiveFile } from './snapshot-rows.ts';

/** Rows (of the files that differ, delete files included) one row diff reads at the most. */
export const ROW_DIFF_MAX_ROWS = 250_000;

/** One side of a row diff: the reference as asked, the commit it resolved to, the table's snapshot there. */
export interface RowDiffSide {
  ref: string;
  hash: string;
  /** Whether the key is a table there; a side without it has no rows. */
  table: boolean;
  /** The snapshot read, as an exact decimal string; null without a table or without data. */
  snapshotId: string | null;
}

export interface TableRowDiff extends RowChanges {
  from: RowDiffSide;
  to: RowDiffSide;
  /** The columns of `to`'s current schema, then those only `from`'s has; rows hold one value per column. */
  columns: ColumnInfo[];
  /** The columns that pair removed and added rows into changes; empty when rows are compared whole. */
  keyColumns: string[];
  /** Data files read; those both sides hold with the same deletes are skipped unread. */
  filesRead: number;
  filesSkipped: number;
  /** Live rows read from the files read. */
  rowsRead: number;
}

type Deps = Pick<AppContext, 'store' | 'warehouse' | 'warehouses' | 'locations'>;

interface Side {
  info: RowDiffSide;
  md?: TableMetadata;
  fields: SchemaField[];
  rows?: SnapshotRows;
}

/**
 * The rows that differ between a table at two references: what `to` added, what it removed and, with key columns,
 * what it changed, each row as a reader sees it (delete files applied). Only the data files that differ are read: a
 * file both versions hold, with the same delete files that may apply to it, holds the same rows on both sides (what
 * a branch shares with its base), so a diff costs what the branches changed, not the table's size. The rows read
 * are counted against each other as multisets (a file rewritten with one row less shows that row removed, not the
 * whole file). Refused (422) before reading when the files that differ hold more than {@link ROW_DIFF_MAX_ROWS} rows.
 *
 * Key columns are `keyColumns` if given, else the table's identifier fields (`identifier-field-ids`) in `to`'s schema.
 *
 * @example const d = await diffTableRows(ctx, 'main', 'feature', { elements: ['shop', 'orders'] }, { limit: 50 }); d.counts // { added: 2, removed: 1, changed: 1 }
 */
export async function diffTableRows(
  ctx: Deps,
  fromSpec: string,
  toSpec: string,
  key: ContentKey,
  opts: { limit: number; keyColumns?: string[]; maxRows?: number },
): Promise<TableRowDiff> {
  const table = key.elements.join('.');
  const [from, to] = await Promise.all([openSide(ctx, fromSpec, key), openSide(ctx, toSpec, key)]);
  if (!from.info.table && !to.info.table) throw new NoSuchTableError(table, toSpec);

  const toIds = new Set(to.fields.map((f) => f.id));
  const fields = [...to.fields, ...from.fields.filter((f) => !toIds.has(f.id))];
  const columns = columnsOf(fields);
  const keyColumns = opts.keyColumns ?? identifierNames(to.md ?? from.md!, to.md ? to.fields : from.fields);
  const keyIndexes = keyColumns.map((name) => {
    const i = fields.findIndex((f) => f.name === name);
    if (i < 0) throw new BadRequestError(`Key column "${name}" is not a column of "${table}" on either side.`);
    return i;
  });
  const result = { from: from.info, to: to.info, columns, keyColumns, filesRead: 0, filesSkipped: 0, rowsRead: 0 };
  const tally = new RowTally();
  // One snapshot (shared history), or no data on either side: the same rows.
  if (from.info.snapshotId === to.info.snapshotId) return { ...result, ...tally.changes(keyIndexes, opts.limit) };

  const toRead: Array<{ side: Side; file: LiveFile }> = [];
  const fromFiles = new Map((from.rows?.data ?? []).map((f) => [f.file.filePath, f]));
  const toFiles = new Map((to.rows?.data ?? []).map((f) => [f.file.filePath, f]));
  for (const [path, f] of fromFiles) {
    const there = toFiles.get(path);
    if (there && sameList(from.rows!.deletesThatMayApply(f), to.rows!.deletesThatMayApply(there))) {
      result.filesSkipped++;
      continue;
    }
    toRead.push({ side: from, file: f });
    if (there) toRead.push({ side: to, file: there });
  }
  for (const [path, f] of toFiles) if (!fromFiles.has(path)) toRead.push({ side: to, file: f });

  const sides = [...new Set(toRead.map((r) => r.side))];
  const rows =
    toRead.reduce((n, r) => n + Number(r.file.file.recordCount), 0) + sides.reduce((n, s) => n + s.rows!.deleteRows, 0);
  const max = opts.maxRows ?? ROW_DIFF_MAX_ROWS;
  if (rows > max) throw new RowDiffTooLargeError(table, rows, max);

  for (const { side, file } of toRead) {
    const snap = side.rows!;
    await snap.loadDeletes(side.fields);
    const { cols, live } = await snap.liveRows(file, side.fields);
    // A column this side's schema lacks reads as null (its files may still hold a dropped column by id).
    const own = new Map(side.fields.map((f) => [f.id, f]));
    const readers = fields.map((c) => {
      const mine = own.get(c.id);
      return mine ? { read: cols.column(mine.id, mine.name), type: mine.type } : undefined;
    });
    for (const i of live) {
      const row: RowText = readers.map((r) => (r?.read ? cellText(r.read(i) ?? null, r.type) : null));
      tally.add(row, side === to ? 'to' : 'from');
    }
    result.filesRead++;
    result.rowsRead += live.length;
  }
  return { ...result, ...tally.changes(keyIndexes, opts.limit) };
}

async function openSide(ctx: Deps, refSpec: string, key: ContentKey): Promise<Side> {
  const at = await ctx.store.resolve(refSpec);
  const content = await ctx.store.getContent(at.hash, key);
  const info: RowDiffSide = { ref: refSpec, hash: at.hash, table: false, snapshotId: null };
  if (!content || content.type !== 'ICEBERG_TABLE') return { info, fields: [] };
  // Only read: the cached metadata itself, not a copy of its history.
  const md = await readTableMetadata(ctx, content.metadataLocation, { copy: false });
  const fields = currentSchema(md).fields as SchemaField[];
  const snapshot = currentSnapshot(md);
  if (!snapshot?.['manifest-list']) return { info: { ...info, table: true }, md, fields };
  const rows = await SnapshotRows.open(ctx, 'row diff', key.elements.join('.'), snapshot['manifest-list']);
  return { info: { ...info, table: true, snapshotId: String(snapshot['snapshot-id']) }, md, fields, rows };
}

function identifierNames(md: TableMetadata, fields: SchemaField[]): string[] {
  const ids = currentSchema(md)['identifier-field-ids'] ?? [];
  return ids.flatMap((id) => fields.filter((f) => f.id === id).map((f) => f.name));
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
