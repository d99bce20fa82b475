import {
  decodeDeletionVector,
  decodeManifest,
  decodeManifestList,
  isDeletionVector,
  liveEntries,
  referencedDataFile,
  type DataFile,
} from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import { PreviewUnsupportedError } from '../../errors/index.ts';
import { decodeTableFile, readTableFile } from '../iceberg/read-table-file.ts';
import type { SchemaField } from './columns.ts';
import type { ParquetColumns } from './parquet-columns.ts';

/** Field ids the spec reserves for a position delete file's columns. */
const DELETE_FILE_PATH_ID = 2147483546;
const DELETE_POS_ID = 2147483545;

type Deps = Pick<AppContext, 'warehouse' | 'warehouses' | 'locations'>;

/** What reads a snapshot's rows, and its verb in a refusal: `Cannot <verb> "<table>": its manifest …`. */
type Reader = 'preview' | 'row diff';
const VERB: Record<Reader, string> = { preview: 'preview', 'row diff': 'compare the rows of' };

/** A live file of a snapshot with its data sequence number (inherited per the spec). */
export interface LiveFile {
  file: DataFile;
  seq: bigint;
}

/**
 * The rows of one snapshot of a table as a reader sees them: its live data files, with position deletes (same file
 * and position, delete sequence number ≥ the data file's; v3 deletion vectors, read from their Puffin files, for the
 * one data file each names) and equality deletes (equal on the delete's columns, delete sequence number > the data
 * file's) applied. Shared by the data preview and the row diff, which read a snapshot the same way. Parquet data and
 * delete files only: Avro/ORC files would be misread, so a snapshot holding one is refused (422) when opened.
 *
 * @example const s = await SnapshotRows.open(ctx, 'preview', 'shop.orders', list); await s.loadDeletes(fields); const { cols, live } = await s.liveRows(s.data[0]!, fields);
 */
export class SnapshotRows {
  /** Deleted positions per data file path, with the highest delete sequence number that removes each. */
  private deletedAt: Map<string, Map<bigint, bigint>> | undefined;
  /** Deleted value tuples per equality delete file. */
  private eqSets: Array<{ ids: number[]; seq: bigint; tuples: Set<string> }> = [];

  private constructor(
    private readonly ctx: Deps,
    private readonly doing: Reader,
    readonly table: string,
    readonly data: LiveFile[],
    private readonly posDeletes: LiveFile[],
    private readonly eqDeletes: LiveFile[],
  ) {}

  /** Reads the snapshot's manifest list and manifests (`doing` names the work in refusals). */
  static async open(ctx: Deps, doing: Reader, table: string, manifestList: string): Promise<SnapshotRows> {
    const files = await liveFiles(ctx, doing, table, manifestList);
    const other = files.find((f) => f.file.fileFormat.toUpperCase() !== 'PARQUET' && !isDeletionVector(f.file));
    if (other) throw new PreviewUnsupportedError(table, other.file.fileFormat, other.file.filePath, doing);
    return new SnapshotRows(
      ctx,
      doing,
      table,
      files.filter((f) => f.file.content === 0),
      files.filter((f) => f.file.content === 1),
      files.filter((f) => f.file.content === 2),
    );
  }

  get deleteFiles(): number {
    return this.posDeletes.length + this.eqDeletes.length;
  }

  /** Rows in the delete files (deleted positions of deletion vectors), all of which {@link loadDeletes} reads. */
  get deleteRows(): number {
    return [...this.posDeletes, ...this.eqDeletes].reduce((n, d) => n + Number(d.file.recordCount), 0);
  }

  /**
   * The delete files that may remove rows of `f` by their sequence numbers (and, for position deletes that name one
   * data file, by that name), as `path@seq`, sorted: a superset (a partition's position delete file may name only
   * other data files), so two snapshots whose lists agree for a data file read the same rows from it.
   */
  deletesThatMayApply(f: LiveFile): string[] {
    // A position delete file or deletion vector that names one data file applies to that file only.
    const mayName = (d: LiveFile) => {
      const only = referencedDataFile(d.file);
      return only === null || only === f.file.filePath;
    };
    const pos = this.posDeletes.filter((d) => d.seq >= f.seq && mayName(d));
    const eq = this.eqDeletes.filter((d) => d.seq > f.seq);
    return [...pos, ...eq].map((d) => `${d.file.filePath}@${d.seq}`).sort();
  }

  /** Reads every delete file once; `fields` names the equality delete columns of files without field ids. */
  async loadDeletes(fields: SchemaField[]): Promise<void> {
    if (this.deletedAt) return;
    const deletedAt = new Map<string, Map<bigint, bigint>>();
    const deleted = (path: string, position: bigint, seq: bigint) => {
      const forFile = deletedAt.get(path) ?? new Map<bigint, bigint>();
      deletedAt.set(path, forFile);
      if ((forFile.get(position) ?? -1n) < seq) forFile.set(position, seq);
    };
    // A Puffin file holds the deletion vectors of several data files: read once.
    const puffins = new Map<string, Promise<Buffer>>();
    for (const d of this.posDeletes) {
      if (isDeletionVector(d.file)) {
        const target = referencedDataFile(d.file);
        const positions = await this.deletionVector(d.file, puffins);
        if (target !== null) for (const p of positions) deleted(target, BigInt(p), d.seq);
        continue;
      }
      const cols = await this.read(d.file.filePath);
      const path = cols.column(DELETE_FILE_PATH_ID, 'file_path');
      const pos = cols.column(DELETE_POS_ID, 'pos');
      if (!path || !pos) continue;
      for (let i = 0; i < cols.rows; i++) deleted(String(path(i)), BigInt(pos(i) as bigint | number), d.seq);
    }
    for (const d of this.eqDeletes) {
      const ids = d.file.equalityIds ?? [];
      const cols = await this.read(d.file.filePath);
      const readers = ids.map((id) => cols.column(id, nameOf(fields, id)));
      const tuples = new Set<string>();
      for (let i = 0; i < cols.rows; i++) tuples.add(tupleKey(readers.map((r) => r?.(i))));
      this.eqSets.push({ ids, seq: d.seq, tuples });
    }
    this.deletedAt = deletedAt;
  }

  /** True when no delete removes a row of `f` (after {@link loadDeletes}): its rows are its record count. */
  untouched(f: LiveFile): boolean {
    return !this.deletes().has(f.file.filePath) && !this.eqSets.some((e) => e.seq > f.seq);
  }

  /** Reads `f` (after {@link loadDeletes}): its columns and the positions of its rows no delete removes. */
  async liveRows(f: LiveFile, fields: SchemaField[]): Promise<{ cols: ParquetColumns; live: number[] }> {
    const cols = await this.read(f.file.filePath);
    const deleted = this.deletes().get(f.file.filePath);
    const eq = this.eqSets
      .filter((e) => e.seq > f.seq)
      .map((e) => ({ ...e, readers: e.ids.map((id) => cols.column(id, nameOf(fields, id))) }));
    const live: number[] = [];
    for (let i = 0; i < cols.rows; i++) {
      if ((deleted?.get(BigInt(i)) ?? -1n) >= f.seq) continue;
      if (eq.some((e) => e.tuples.has(tupleKey(e.readers.map((r) => r?.(i)))))) continue;
      live.push(i);
    }
    return { cols, live };
  }

  /** The positions a deletion vector deletes: its blob in its Puffin file (read once per file into `puffins`). */
  private async deletionVector(file: DataFile, puffins: Map<string, Promise<Buffer>>): Promise<number[]> {
    const path = file.filePath;
    const read = { doing: VERB[this.doing], table: this.table, what: 'deletion vector file', path };
    if (!puffins.has(path))
      puffins.set(
        path,
        readTableFile(this.ctx, read, (buf) => buf),
      );
    const start = Number(file.contentOffset ?? 0);
    const end = start + Number(file.contentSizeInBytes ?? 0);
    return decodeTableFile(read, await puffins.get(path)!, (buf) => decodeDeletionVector(buf.subarray(start, end)));
  }

  private deletes(): Map<string, Map<bigint, bigint>> {
    if (!this.deletedAt) throw new Error('SnapshotRows: loadDeletes() first');
    return this.deletedAt;
  }

  private async read(path: string): Promise<ParquetColumns> {
    // Arrow and the Parquet decoder take ~0.2 s to import: the first read loads them, not the server's start.
    const { decodeParquet } = await import('./parquet-columns.ts');
    return readTableFile(
      this.ctx,
      { doing: VERB[this.doing], table: this.table, what: 'data or delete file', path },
      (buf) => decodeParquet(new Uint8Array(buf)),
    );
  }
}

/** Live entries of every manifest of a snapshot, with data sequence numbers inherited per the spec. */
async function liveFiles(ctx: Deps, reader: Reader, table: string, manifestList: string): Promise<LiveFile[]> {
  const doing = VERB[reader];
  const { manifests } = await readTableFile(
    ctx,
    { doing, table, what: 'manifest list', path: manifestList },
    decodeManifestList,
  );
  const out: LiveFile[] = [];
  for (const m of manifests) {
    const { entries } = await readTableFile(
      ctx,
      { doing, table, what: 'manifest', path: m.manifestPath },
      decodeManifest,
    );
    for (const e of liveEntries(entries, m)) out.push({ file: e.file, seq: e.dataSequenceNumber });
  }
  return out;
}

function nameOf(fields: SchemaField[], id: number): string {
  return fields.find((f) => f.id === id)?.name ?? '';
}

function tupleKey(values: unknown[]): string {
  return JSON.stringify(values, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
