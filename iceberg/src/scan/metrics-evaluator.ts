import type { DataFile } from '../avro/manifest.ts';
import type { Long } from '../avro/ocf.ts';
import { fromSingleValue, primitiveKind, type IcebergPrimitiveValue } from '../avro/single-value.ts';
import type { BoundExpression, BoundField, BoundTerm } from './bind.ts';
import { mayBeTruncated } from './compare.ts';
import { applyTransform } from './transform-values.ts';
import { rangeMayMatch, type RangePredicate, type ValueRange } from './range.ts';
import { rewriteNot } from './rewrite-not.ts';

/**
 * File pruning by column metrics (the manifest entry's value, null and NaN counts and lower/upper bounds), in the
 * manner of Iceberg's inclusive metrics evaluator: a file is skipped only when its metrics prove that no row in it
 * can match.
 */

const TEMPORAL = ['time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns'];

/**
 * Reads one bound; `undefined` when it cannot be trusted as a value of `type`: unreadable bytes, a 4-byte bound on a
 * temporal column (a promoted `date` column's bound counts days, not microseconds), or a string bound whose bytes are
 * not valid UTF-8 (a writer cut a character in two; the replacement character would sort above the real value).
 *
 * @example decodeBound('long', toSingleValue('long', 5n)) // 5n
 */
export function decodeBound(type: string, bytes: Uint8Array | undefined | null): IcebergPrimitiveValue | undefined {
  if (!bytes) return undefined;
  const kind = primitiveKind(type);
  if (TEMPORAL.includes(kind) && bytes.length !== 8) return undefined;
  try {
    const v = fromSingleValue(type, bytes);
    if (kind === 'string' && !Buffer.from(v as string, 'utf8').equals(Buffer.from(bytes))) return undefined;
    return v;
  } catch {
    return undefined;
  }
}

const count = (m: Map<number, Long> | null | undefined, id: number): bigint | undefined => {
  const v = m?.get(id);
  return v === undefined || v === null ? undefined : BigInt(v);
};

/** What a data file's metrics prove about one column. */
function columnRange(file: DataFile, field: BoundField): ValueRange {
  const floating = ['float', 'double'].includes(primitiveKind(field.type));
  const values = count(file.valueCounts, field.id);
  const nulls = count(file.nullValueCounts, field.id);
  // Only floating-point columns can hold NaN; for them a missing NaN count is unknown.
  const nans = floating ? count(file.nanValueCounts, field.id) : 0n;
  const onlyNulls = values !== undefined && nulls !== undefined && values === nulls;
  return {
    type: field.type,
    lower: decodeBound(field.type, file.lowerBounds?.get(field.id)),
    upper: decodeBound(field.type, file.upperBounds?.get(field.id)),
    noNulls: nulls === 0n,
    onlyNulls,
    noNaNs: nans === 0n,
    onlyNaNs: values !== undefined && nans !== undefined && values === nans,
    // A column of nulls only holds no NaN either, whatever the NaN count says: PyIceberg writes none for such a
    // float column, and Iceberg's evaluator prunes it all the same.
    noComparable:
      onlyNulls || (values !== undefined && nulls !== undefined && nans !== undefined && values - nulls - nans === 0n),
  };
}

/** Transforms that never decrease: t(lower) and t(upper) bound t(v) for every v between lower and upper. */
const MONOTONE = ['identity', 'year', 'month', 'day', 'hour'];

/**
 * What a column's range proves about a transform of it, for order-preserving transforms of non-string columns;
 * `undefined` (nothing known) otherwise. Strings are left out because their upper bound may be a cut prefix.
 */
function transformedRange(term: BoundTerm & { kind: 'transform' }, column: ValueRange): ValueRange | undefined {
  const { transform, field, resultType } = term;
  const kind = primitiveKind(field.type);
  const orderPreserving =
    MONOTONE.includes(transform.name) || (transform.name === 'truncate' && ['int', 'long', 'decimal'].includes(kind));
  if (transform.name === 'identity') return column;
  if (!orderPreserving || mayBeTruncated(field.type)) return undefined;
  const at = (v: IcebergPrimitiveValue | undefined) =>
    v === undefined ? undefined : (applyTransform(transform, field.type, v) ?? undefined);
  // Nulls stay null through every transform, and the results (ints and dates) are never NaN.
  return {
    type: resultType,
    lower: at(column.lower),
    upper: at(column.upper),
    noNulls: column.noNulls,
    onlyNulls: column.onlyNulls,
    noNaNs: true,
    onlyNaNs: false,
    noComparable: column.onlyNulls,
  };
}

/**
 * Whether a data file may hold a row matching the bound filter. `false` only when the file's metrics prove that no
 * row can match (an empty file, bounds outside the literal, counts showing only nulls or only NaNs); missing metrics,
 * bucket and string transforms, and anything in doubt give `true`. Predicates on order-preserving transforms
 * (`day(ts) = …`, `truncate[10](n) < …`) compare with the transformed bounds.
 *
 * @example fileMayMatch(bindExpression(parseExpression({ type: 'gt', term: 'id', value: 100 }), schema, true), dataFile)
 * // false when the file's upper bound for id is 100 or less
 */
export function fileMayMatch(bound: BoundExpression, file: DataFile): boolean {
  // Files written by old imports carry -1 for an unknown count; only a known zero proves the file empty.
  if (BigInt(file.recordCount) === 0n) return false;
  const ranges = new Map<number, ValueRange>();
  const rangeOf = (field: BoundField) => {
    let r = ranges.get(field.id);
    if (!r) ranges.set(field.id, (r = columnRange(file, field)));
    return r;
  };
  const evaluate = (e: BoundExpression): boolean => {
    switch (e.type) {
      case 'true':
      case 'unknown':
        return true;
      case 'false':
        return false;
      case 'and':
        return evaluate(e.left) && evaluate(e.right);
      case 'or':
        return evaluate(e.left) || evaluate(e.right);
      case 'not':
        // rewriteNot removed every not; reaching one means a caller skipped it, and "may match" is the safe answer.
        return true;
    }
    if (e.term.kind === 'column') return rangeMayMatch(e as RangePredicate, rangeOf(e.term.field));
    const transformed = transformedRange(e.term, rangeOf(e.term.field));
    return transformed === undefined || rangeMayMatch(e as RangePredicate, transformed);
  };
  return evaluate(rewriteNot(bound));
}
