import {
  decodeManifest,
  decodeManifestList,
  liveEntries,
  type DataFile,
  type TableMetadata,
} from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { BadRequestError, NoSuchTableError, PreviewUnsupportedError } from '../../errors/index.ts';
import type { ContentKey } from '../../store/types.ts';
import { readTableMetadata } from '../iceberg/metadata-io.ts';
import { readTableFile } from '../iceberg/read-table-file.ts';
import { cellText } from './cell-text.ts';
import { decodePreviewToken, encodePreviewToken } from './preview-page-token.ts';

/** Field ids the spec reserves for a position delete file's columns. */
const DELETE_FILE_PATH_ID = 2147483546;
const DELETE_POS_ID = 2147483545;

export interface TablePreview {
  /** The snapshot read, as an exact decimal string; null for a table without data. */
  snapshotId: string | null;
  columns: Array<{ id: number; name: string; type: string; required: boolean }>;
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

interface LiveFile {
  file: DataFile;
  seq: bigint;
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
  const schema = md.schemas.find((s) => s['schema-id'] === md['current-schema-id']) ?? md.schemas[0]!;
  const fields = schema.fields as Array<{ id: number; name: string; type: unknown; required: boolean }>;
  const columns = fields.map((f) => ({ id: f.id, name: f.name, type: typeName(f.type), required: f.required }));
  const snapshot = from ? pinnedSnapshot(md, from.snapshotId) : currentSnapshot(md);
  const empty = { columns, rows: [], truncated: false, nextPageToken: null, dataFiles: 0, deleteFiles: 0 };
  if (!snapshot?.['manifest-list']) return { ...empty, snapshotId: null, totalRecords: null };
  const base = {
    snapshotId: String(snapshot['snapshot-id']),
    totalRecords: snapshot.summary['total-records'] === undefined ? null : String(snapshot.summary['total-records']),
  };

  const table = key.elements.join('.');
  const files = await liveFiles(ctx, table, snapshot['manifest-list']);
  // Avro/ORC data files and v3 deletion vectors (Puffin) would be misread as Parquet: refuse them instead.
  const other = files.find((f) => f.file.fileFormat.toUpperCase() !== 'PARQUET');
  if (other) throw new PreviewUnsupportedError(table, other.file.fileFormat, other.file.filePath);
  const data = files.filter((f) => f.file.content === 0);
  const posDeletes = files.filter((f) => f.file.content === 1);
  const eqDeletes = files.filter((f) => f.file.content === 2);
  // Arrow and the Parquet decoder take ~0.2 s to import: the first preview loads them, not the server's start.
  const { decodeParquet } = await import('./parquet-columns.ts');
  const read = (path: string) =>
    readTableFile(ctx, { doing: 'preview', table, what: 'data or delete file', path }, (buf) =>
      decodeParquet(new Uint8Array(buf)),
    );

  // Deleted positions per data file path, with the highest delete sequence number that removes each.
  const deletedAt = new Map<string, Map<bigint, bigint>>();
  for (const d of posDeletes) {
    const cols = await read(d.file.filePath);
    const path = cols.column(DELETE_FILE_PATH_ID, 'file_path');
    const pos = cols.column(DELETE_POS_ID, 'pos');
    if (!path || !pos) continue;
    for (let i = 0; i < cols.rows; i++) {
      const forFile = deletedAt.get(String(path(i))) ?? new Map<bigint, bigint>();
      deletedAt.set(String(path(i)), forFile);
      const p = BigInt(pos(i) as bigint | number);
      if ((forFile.get(p) ?? -1n) < d.seq) forFile.set(p, d.seq);
    }
  }
  // Equality deletes: the deleted value tuples per set of equality field ids.
  const eqSets: Array<{ ids: number[]; seq: bigint; tuples: Set<string> }> = [];
  for (const d of eqDeletes) {
    const ids = d.file.equalityIds ?? [];
    const cols = await read(d.file.filePath);
    const readers = ids.map((id) => cols.column(id, fields.find((f) => f.id === id)?.name ?? ''));
    const tuples = new Set<string>();
    for (let i = 0; i < cols.rows; i++) tuples.add(tupleKey(readers.map((r) => r?.(i))));
    eqSets.push({ ids, seq: d.seq, tuples });
  }

  const rows: Array<Array<string | null>> = [];
  let truncated = false;
  let skip = from?.offset ?? 0;
  for (const f of data) {
    if (rows.length >= limit) {
      truncated = true;
      break;
    }
    const untouched = !deletedAt.has(f.file.filePath) && !eqSets.some((e) => e.seq > f.seq);
    const count = Number(f.file.recordCount);
    if (untouched && skip >= count) {
      skip -= count;
      continue;
    }
    const cols = await read(f.file.filePath);
    const readers = fields.map((c) => cols.column(c.id, c.name));
    const deleted = deletedAt.get(f.file.filePath);
    const eq = eqSets
      .filter((e) => e.seq > f.seq)
      .map((e) => ({ ...e, readers: e.ids.map((id) => cols.column(id, fields.find((c) => c.id === id)?.name ?? '')) }));
    for (let i = 0; i < cols.rows; i++) {
      if ((deleted?.get(BigInt(i)) ?? -1n) >= f.seq) continue;
      if (eq.some((e) => e.tuples.has(tupleKey(e.readers.map((r) => r?.(i)))))) continue;
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
    dataFiles: data.length,
    deleteFiles: posDeletes.length + eqDeletes.length,
  };
}

/** The snapshot a page token names; 400 once it is no longer in the table's metadata at this reference. */
function pinnedSnapshot(md: TableMetadata, id: string) {
  const s = md.snapshots.find((x) => BigInt(x['snapshot-id']) === BigInt(id));
  if (!s)
    throw new BadRequestError(`Snapshot ${id} of the page token is not in the table here: start from the first page.`);
  return s;
}

function currentSnapshot(md: TableMetadata) {
  const id = md['current-snapshot-id'];
  if (id === null || id === undefined) return undefined;
  return md.snapshots.find((s) => BigInt(s['snapshot-id']) === BigInt(id));
}

/** Live entries of every manifest of a snapshot, with data sequence numbers inherited per the spec. */
async function liveFiles(ctx: Deps, table: string, manifestList: string): Promise<LiveFile[]> {
  const { manifests } = await readTableFile(
    ctx,
    { doing: 'preview', table, what: 'manifest list', path: manifestList },
    decodeManifestList,
  );
  const out: LiveFile[] = [];
  for (const m of manifests) {
    const { entries } = await readTableFile(
      ctx,
      { doing: 'preview', table, what: 'manifest', path: m.manifestPath },
      decodeManifest,
    );
    for (const e of liveEntries(entries, m)) out.push({ file: e.file, seq: e.dataSequenceNumber });
  }
  return out;
}

function tupleKey(values: unknown[]): string {
  return JSON.stringify(values, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

function typeName(t: unknown): string {
  if (typeof t === 'string') return t;
  const o = t as { type?: string };
  return o?.type ?? 'unknown';
}
