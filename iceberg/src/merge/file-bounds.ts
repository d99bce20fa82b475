import { FileContent, type DataFile } from '../avro/manifest.ts';
import { fromSingleValue, primitiveKind } from '../avro/single-value.ts';
import type { TableMetadata } from '../model/table-metadata.ts';
import { canonical } from '../model/schema-utils.ts';
import type { FileChange } from './snapshot-replay.ts';

/**
 * The rows a changed file may hold, as Iceberg's conflict detection judges them from manifest metadata: its spec and
 * partition tuple, and per column the lower/upper bound and whether nulls or NaNs may be there. A column missing
 * from `columns` says nothing (any value). `by` limits the columns that may tell this region apart from another
 * (an equality delete's equality columns, the row identity of a row-level change); absent, every column may; empty,
 * the region covers its whole partition.
 */
export interface FileRegion {
  specId: number;
  partition: string;
  columns: Map<number, ColumnRange>;
  by?: Set<number>;
}

export interface ColumnRange {
  lower?: Uint8Array;
  upper?: Uint8Array;
  /** False only when the file's null count for the column is known to be 0. */
  mayBeNull: boolean;
  /** False only when the file's NaN count for the column is known to be 0. */
  mayBeNaN: boolean;
}

/** Iceberg's reserved field id of a position delete file's `file_path` column. */
const DELETE_FILE_PATH = 2147483546;

/**
 * The primitive type of every field id in any of the table's schemas (nested fields included), to read the bounds:
 * ids are never reused, so every schema that has an id agrees on it (up to promotions, which the bound reader allows).
 *
 * @example fieldTypes(md).get(1) // → 'long'
 */
export function fieldTypes(md: Pick<TableMetadata, 'schemas'>): Map<number, string> {
  const types = new Map<number, string>();
  const visit = (id: unknown, type: unknown): void => {
    if (typeof type === 'string') {
      if (typeof id === 'number') types.set(id, type);
      return;
    }
    if (!type || typeof type !== 'object') return;
    const t = type as Record<string, unknown>;
    for (const f of (t['fields'] as Array<Record<string, unknown>> | undefined) ?? []) visit(f['id'], f['type']);
    visit(t['element-id'], t['element']);
    visit(t['key-id'], t['key']);
    visit(t['value-id'], t['value']);
  };
  for (const s of md.schemas) visit(undefined, s);
  return types;
}

/**
 * The identifier fields (`identifier-field-ids`) of the table's current schema: the row identity by which two
 * row-level changes are judged to touch different rows.
 *
 * @example identifierFields(md) // → Set { 1 }
 */
export function identifierFields(md: Pick<TableMetadata, 'schemas' | 'current-schema-id'>): Set<number> {
  const schema = md.schemas.find((s) => s['schema-id'] === md['current-schema-id']);
  const ids = (schema as { 'identifier-field-ids'?: unknown } | undefined)?.['identifier-field-ids'];
  return new Set(Array.isArray(ids) ? ids.filter((x): x is number => typeof x === 'number') : []);
}

/**
 * The regions a changed file covers. A data file covers its own rows, told apart by the columns in `by` (all when
 * absent); an equality delete file the rows equal to one of its rows on the equality columns (only those count); a
 * position delete file the rows of the data file it points at (found in `files` by path, told apart by `by`; when it
 * does not name one file, its whole partition).
 *
 * @example regionsOf(change, liveFiles)[0].columns.get(1) // → { lower: <05 …>, upper: <05 …>, mayBeNull: false, … }
 */
export function regionsOf(c: FileChange, files: Map<string, FileChange>, by?: Set<number>): FileRegion[] {
  const d = c.entry.dataFile;
  const specId = c.manifest.partitionSpecId;
  const partition = canonical(d.partition);
  if (d.content === FileContent.DATA) return [{ specId, partition, columns: columnsOf(d), ...(by ? { by } : {}) }];
  if (d.content === FileContent.EQUALITY_DELETES) {
    return [{ specId, partition, columns: columnsOf(d), by: new Set(d.equalityIds ?? []) }];
  }
  const target = referencedFile(d);
  const data = target === undefined ? undefined : files.get(target);
  if (!data) return [{ specId, partition, columns: new Map(), by: new Set() }];
  return regionsOf(data, files, by);
}

/** The one data file a position delete file applies to, when it says so (field 143, or equal `file_path` bounds). */
function referencedFile(d: DataFile): string | undefined {
  if (d.referencedDataFile) return d.referencedDataFile;
  const lo = d.lowerBounds?.get(DELETE_FILE_PATH);
  const hi = d.upperBounds?.get(DELETE_FILE_PATH);
  if (!lo || !hi || Buffer.compare(Buffer.from(lo), Buffer.from(hi)) !== 0) return undefined;
  return Buffer.from(lo).toString('utf8');
}

function columnsOf(d: DataFile): Map<number, ColumnRange> {
  const columns = new Map<number, ColumnRange>();
  const ids = new Set([...(d.lowerBounds?.keys() ?? []), ...(d.upperBounds?.keys() ?? [])]);
  for (const id of ids) {
    const nulls = d.nullValueCounts?.get(id);
    const nans = d.nanValueCounts?.get(id);
    columns.set(id, {
      lower: d.lowerBounds?.get(id),
      upper: d.upperBounds?.get(id),
      mayBeNull: nulls === undefined || Number(nulls) > 0,
      mayBeNaN: nans === undefined || Number(nans) > 0,
    });
  }
  return columns;
}

/**
 * Whether two regions may share a row: not when they lie in different partitions of the same spec, nor when some
 * column both may be told apart by has bounds that are both known and do not meet (and the two cannot both hold a null, or a NaN, there). Anything
 * unknown (a missing bound or count, a type whose order is not clear from its bytes, two different specs) counts as
 * overlapping, so missing stats make a conflict rather than a wrong merge.
 *
 * @example mayOverlap(deleteOfId5, appendOfIds100To200, types) // → false
 */
export function mayOverlap(a: FileRegion, b: FileRegion, types: Map<number, string>): boolean {
  if (a.specId === b.specId && a.partition !== b.partition) return false;
  for (const [id, ra] of a.columns) {
    if ((a.by && !a.by.has(id)) || (b.by && !b.by.has(id))) continue;
    const rb = b.columns.get(id);
    const type = types.get(id);
    if (!rb || !type) continue;
    if (ra.mayBeNull && rb.mayBeNull) continue;
    const floating = ['float', 'double'].includes(primitiveKind(type));
    if (floating && ra.mayBeNaN && rb.mayBeNaN) continue;
    if (disjoint(type, ra, rb)) return false;
  }
  return true;
}

/** Whether two columns' [lower, upper] ranges are known not to meet. */
function disjoint(type: string, a: ColumnRange, b: ColumnRange): boolean {
  const below = (hi: Uint8Array | undefined, lo: Uint8Array | undefined) => {
    if (!hi || !lo) return false;
    const c = compareBound(type, hi, lo);
    return c !== undefined && c < 0;
  };
  return below(a.upper, b.lower) || below(b.upper, a.lower);
}

/**
 * Compares two single-value bounds of one type; `undefined` when their order cannot be trusted from the bytes. Strings
 * compare only when both are ASCII (Iceberg's string order and the UTF-8 byte order of bounds written by Parquet
 * writers differ beyond it); binary, fixed and uuid compare bytewise, unsigned.
 */
export function compareBound(type: string, a: Uint8Array, b: Uint8Array): number | undefined {
  const kind = primitiveKind(type);
  if (['binary', 'fixed', 'uuid'].includes(kind)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (kind === 'string') {
    if (!isAscii(a) || !isAscii(b)) return undefined;
    return Buffer.compare(Buffer.from(a), Buffer.from(b));
  }
  try {
    const x = fromSingleValue(type, a);
    const y = fromSingleValue(type, b);
    if (!['number', 'bigint', 'boolean'].includes(typeof x) || typeof x !== typeof y) return undefined;
    if (Number.isNaN(x) || Number.isNaN(y)) return undefined;
    return x < y ? -1 : x > y ? 1 : 0;
  } catch {
    return undefined; // a bound this type cannot be read from: unknown
  }
}

function isAscii(b: Uint8Array): boolean {
  return b.every((x) => x < 0x80);
}
