import type { DataFile } from '../avro/manifest.ts';
import type { Long } from '../avro/ocf.ts';
import { primitiveKind, type IcebergPrimitiveValue } from '../avro/single-value.ts';
import { compareValues, mayBeTruncated, startsWith } from './compare.ts';
import type { BoundExpression } from './bind.ts';
import { decodeBound, fileMayMatch } from './metrics-evaluator.ts';

/**
 * Whether an equality delete file may delete a row of a data file, from the two files' column metrics on the delete's
 * equality fields. Follows the rule of Java's `DeleteFileIndex.canContainEqDeletesForFile` (Iceberg 1.11), made safe
 * where metrics do not prove what that rule reads from them:
 *
 * - A column both of whose files may hold nulls may match (a null in the delete matches a data file's null rows).
 * - A data file whose column is all null cannot match a delete without nulls there, and the other way round.
 * - Otherwise both files' lower and upper bounds must be known, and their ranges overlap, or no row can match.
 *
 * Where this answers "may match" and Java does not: a float/double column both of whose files may hold NaN (NaN
 * equals NaN when deletes are applied, and bounds leave NaN out), bounds of a string or binary column where one
 * file's lower bound starts with the other's upper bound (an upper bound cut to a prefix without rounding up may be
 * below the real maximum), and any pair of values whose order is in doubt (`compareValues`: UUIDs, signed zeros,
 * NaN bounds, strings whose order differs between UTF-16 units and code points). A field the schemas do not have,
 * or that is not primitive, tells nothing.
 */

/** What the schemas say about one field: its primitive type (`undefined` for a struct, list or map) and nullability. */
export interface EqualityField {
  type: string | undefined;
  /** Required in every schema that has the field, so no row of any file holds a null. */
  required: boolean;
}

/** Fields by id over a table's schemas (table metadata JSON), nested struct fields included. */
export type EqualityFields = ReadonlyMap<number, EqualityField>;

interface FieldJson {
  id?: unknown;
  type?: unknown;
  required?: unknown;
}

/**
 * The fields of every schema by id, reachable through structs (equality fields cannot sit in lists or maps). A field
 * required in one schema and optional in another counts as optional: files written under the optional one may hold
 * nulls.
 *
 * @example equalityFields([{ type: 'struct', fields: [{ id: 1, name: 'id', type: 'long', required: true }] }]).get(1) // { type: 'long', required: true }
 */
export function equalityFields(schemas: readonly unknown[]): Map<number, EqualityField> {
  const out = new Map<number, EqualityField>();
  const visit = (fields: unknown) => {
    if (!Array.isArray(fields)) return;
    for (const raw of fields as FieldJson[]) {
      if (!raw || typeof raw !== 'object' || typeof raw.id !== 'number') continue;
      const primitive = typeof raw.type === 'string' ? raw.type : undefined;
      const required = raw.required === true;
      const seen = out.get(raw.id);
      out.set(raw.id, {
        type: seen ? (seen.type === primitive ? primitive : undefined) : primitive,
        required: seen ? seen.required && required : required,
      });
      const nested = raw.type as { type?: unknown; fields?: unknown } | null;
      if (nested && typeof nested === 'object' && nested.type === 'struct') visit(nested.fields);
    }
  };
  for (const s of schemas) visit((s as { fields?: unknown } | null)?.fields);
  return out;
}

/** The metrics of a file that this reads. */
export type FileMetrics = Pick<
  DataFile,
  'valueCounts' | 'nullValueCounts' | 'nanValueCounts' | 'lowerBounds' | 'upperBounds'
>;

const count = (m: Map<number, Long> | null | undefined, id: number): bigint | undefined => {
  const v = m?.get(id);
  return v === undefined || v === null ? undefined : BigInt(v);
};

/** What one file's metrics prove about one column. */
interface ColumnFacts {
  mayHaveNull: boolean;
  noNulls: boolean;
  onlyNulls: boolean;
  mayHaveNaN: boolean;
  lower: IcebergPrimitiveValue | undefined;
  upper: IcebergPrimitiveValue | undefined;
}

function facts(file: FileMetrics, id: number, field: EqualityField & { type: string }): ColumnFacts {
  const nulls = count(file.nullValueCounts, id);
  const values = count(file.valueCounts, id);
  const floating = ['float', 'double'].includes(primitiveKind(field.type));
  const nans = floating ? count(file.nanValueCounts, id) : 0n;
  return {
    mayHaveNull: !field.required && (nulls === undefined || nulls > 0n),
    noNulls: field.required || nulls === 0n,
    onlyNulls: !field.required && nulls !== undefined && values !== undefined && nulls === values,
    mayHaveNaN: nans === undefined || nans > 0n,
    lower: decodeBound(field.type, file.lowerBounds?.get(id)),
    upper: decodeBound(field.type, file.upperBounds?.get(id)),
  };
}

/**
 * Proven: every value with `lower` as lower bound is above every value with `upper` as upper bound. An upper bound of
 * a string or binary column may be a prefix of the real maximum, so a lower bound that starts with it proves nothing.
 */
function above(type: string, lower: IcebergPrimitiveValue, upper: IcebergPrimitiveValue): boolean {
  if (mayBeTruncated(type) && startsWith(lower, upper)) return false;
  const c = compareValues(type, lower, upper);
  return c !== undefined && c > 0;
}

/**
 * Whether the equality delete file `del` may delete a row of `data`, judged on each of its equality field ids: `false`
 * only when the metrics prove that, on some equality field, no value of one file equals a value of the other.
 * Without `fields` nothing is known about the columns, and the answer is `true`.
 *
 * @example equalityDeleteMayApply(dataWithIds1To100, deleteWithIds500To600, equalityFields(metadata.schemas)) // false
 */
export function equalityDeleteMayApply(
  data: FileMetrics,
  del: FileMetrics & Pick<DataFile, 'equalityIds'>,
  fields: EqualityFields | undefined,
  deleteFacts: (id: number, field: EqualityField & { type: string }) => ColumnFacts = (id, f) => facts(del, id, f),
): boolean {
  if (!fields) return true;
  for (const id of del.equalityIds ?? []) {
    const field = fields.get(id);
    if (!field || field.type === undefined) continue;
    const typed = { ...field, type: field.type };
    const d = facts(data, id, typed);
    const x = deleteFacts(id, typed);
    // A null deleted and a null present: those rows go.
    if (d.mayHaveNull && x.mayHaveNull) continue;
    if (d.onlyNulls && x.noNulls) return false;
    if (x.onlyNulls && d.noNulls) return false;
    // NaN is left out of bounds, yet equals NaN when deletes are applied.
    if (d.mayHaveNaN && x.mayHaveNaN && ['float', 'double'].includes(primitiveKind(field.type))) continue;
    if (d.lower === undefined || d.upper === undefined || x.lower === undefined || x.upper === undefined) continue;
    if (above(field.type, d.lower, x.upper) || above(field.type, x.lower, d.upper)) return false;
  }
  return true;
}

/**
 * {@link equalityDeleteMayApply} for one delete file tested against many data files: the delete file's metrics are
 * decoded once per field.
 */
export function equalityDeleteTest(
  del: FileMetrics & Pick<DataFile, 'equalityIds'>,
  fields: EqualityFields | undefined,
): (data: FileMetrics) => boolean {
  const cache = new Map<number, ColumnFacts>();
  const deleteFacts = (id: number, f: EqualityField & { type: string }) => {
    let found = cache.get(id);
    if (!found) cache.set(id, (found = facts(del, id, f)));
    return found;
  };
  return (data) => equalityDeleteMayApply(data, del, fields, deleteFacts);
}

/**
 * Whether an equality delete file may delete a row that the scan's filter selects, judged (as data files are, by
 * `fileMayMatch`) on the delete file's metrics of its equality columns only: a data row it deletes equals one of its
 * rows on those columns, so when no value they hold can satisfy the filter, neither can the rows it deletes, and the
 * residual filter drops them anyway. Java's `DeleteFileIndex` filters delete files by the scan's filter too, on all of
 * their metrics; metrics of other columns say nothing about the rows an equality delete removes, so they are left out
 * here.
 *
 * @example equalityDeleteMayMatchFilter(bound(id < 100), deleteOfIds150To160) // false
 */
export function equalityDeleteMayMatchFilter(filter: BoundExpression, del: DataFile): boolean {
  const ids = new Set(del.equalityIds ?? []);
  const only = <V>(m: Map<number, V> | null | undefined) =>
    m ? new Map([...m].filter(([id]) => ids.has(id))) : undefined;
  return fileMayMatch(filter, {
    ...del,
    columnSizes: only(del.columnSizes),
    valueCounts: only(del.valueCounts),
    nullValueCounts: only(del.nullValueCounts),
    nanValueCounts: only(del.nanValueCounts),
    lowerBounds: only(del.lowerBounds),
    upperBounds: only(del.upperBounds),
  });
}
