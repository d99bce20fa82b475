import { primitiveKind, type IcebergPrimitiveValue } from '../avro/single-value.ts';
import { compareValues, hasHighUnits, mayBeTruncated, startsWith } from './compare.ts';
import type { ComparisonOp, SetOp, UnaryOp } from './expression.ts';

/**
 * What is known about the values of one column (in a data file) or one partition field (across a manifest), and the
 * one question asked of it: may any of those values satisfy a predicate? Every field is a proven fact; what is not
 * known is left out (or false), and then the answer is "may match".
 */
export interface ValueRange {
  /** The column's (or partition field's) Iceberg type. */
  type: string;
  /** No non-null, non-NaN value is below this. */
  lower?: IcebergPrimitiveValue;
  /** No non-null, non-NaN value is above this (for strings and binary: or starts with it, see below). */
  upper?: IcebergPrimitiveValue;
  /** Proven: no value is null. */
  noNulls: boolean;
  /** Proven: every value is null. */
  onlyNulls: boolean;
  /** Proven: no value is NaN. */
  noNaNs: boolean;
  /** Proven: every value is NaN. */
  onlyNaNs: boolean;
  /** Proven: every value is null or NaN, so no comparison can hold. */
  noComparable: boolean;
}

export type RangePredicate =
  | { type: UnaryOp }
  | { type: ComparisonOp; literal: IcebergPrimitiveValue }
  | { type: SetOp; literals: IcebergPrimitiveValue[] };

/**
 * Whether some value described by `range` may satisfy the predicate. Upper bounds of strings and binary are read as
 * possibly truncated: Iceberg writers round a truncated upper bound up, but a writer that only cuts it leaves a
 * prefix of the real maximum, and every value that starts with that prefix may then exist. Treating both the same
 * costs a little pruning and never loses a row.
 *
 * @example rangeMayMatch({ type: 'lt', literal: 5n }, { type: 'long', lower: 5n, upper: 9n, ...noFacts }) // false
 */
export function rangeMayMatch(pred: RangePredicate, range: ValueRange): boolean {
  const { type } = range;
  const floating = ['float', 'double'].includes(primitiveKind(type));
  switch (pred.type) {
    case 'is-null':
      return !range.noNulls;
    case 'not-null':
      return !range.onlyNulls;
    case 'is-nan':
      if (!floating) return false;
      return !(range.noNaNs || range.onlyNulls);
    case 'not-nan':
      return !range.onlyNaNs;
    case 'not-eq':
    case 'not-in':
      return true;
    case 'not-starts-with':
      return notStartsWithMayMatch(pred.literal, range);
  }
  if (range.noComparable) return false;
  switch (pred.type) {
    case 'in':
      return pred.literals.some((v) => !outside(v, range));
    case 'eq':
      return !outside(pred.literal, range);
    case 'starts-with':
      return prefixMayMatch(pred.literal, range);
  }
  const lit = (pred as { literal: IcebergPrimitiveValue }).literal;
  // Order with a literal holding such units depends on the order the writer used; transitivity through the bound
  // only holds when the literal compares the same either way.
  if (typeof lit === 'string' && hasHighUnits(lit)) return true;
  switch (pred.type) {
    case 'lt':
      return !atLeast(range.lower, lit, type, 0);
    case 'lt-eq':
      return !atLeast(range.lower, lit, type, 1);
    case 'gt':
      return !allBelow(range, lit, true);
    case 'gt-eq':
      return !allBelow(range, lit, false);
  }
  return true;
}

/** `bound` known, and compares to `lit` at least `min` (0: bound ≥ lit, 1: bound > lit). */
function atLeast(bound: IcebergPrimitiveValue | undefined, lit: IcebergPrimitiveValue, type: string, min: number) {
  if (bound === undefined) return false;
  const c = compareValues(type, bound, lit);
  return c !== undefined && c >= min;
}

/** Proven: every value is below `lit` (or at most `lit` when `orEqual`). */
function allBelow(range: ValueRange, lit: IcebergPrimitiveValue, orEqual: boolean): boolean {
  const { upper, type } = range;
  if (upper === undefined) return false;
  const c = compareValues(type, upper, lit);
  if (c === undefined) return false;
  if (mayBeTruncated(type)) {
    // A value may be the bound followed by anything; if the literal is such a string, it may be reached or passed.
    if (startsWith(lit, upper)) return false;
    return c < 0;
  }
  return orEqual ? c <= 0 : c < 0;
}

/** Proven: no value equals `lit`. */
function outside(lit: IcebergPrimitiveValue, range: ValueRange): boolean {
  if (range.lower !== undefined) {
    const c = compareValues(range.type, range.lower, lit);
    if (c !== undefined && c > 0) return true;
  }
  return allBelow(range, lit, false);
}

function prefixMayMatch(prefix: IcebergPrimitiveValue, range: ValueRange): boolean {
  const { lower, upper, type } = range;
  // Every string starting with the prefix sorts below a lower bound that is greater than the prefix and does not
  // start with it; likewise above an upper bound below the prefix that is not a prefix of it.
  if (lower !== undefined && !startsWith(lower, prefix)) {
    const c = compareValues(type, lower, prefix);
    if (c !== undefined && c > 0) return false;
  }
  if (upper !== undefined && !startsWith(prefix, upper)) {
    const c = compareValues(type, upper, prefix);
    if (c !== undefined && c < 0) return false;
  }
  return true;
}

function notStartsWithMayMatch(prefix: IcebergPrimitiveValue, range: ValueRange): boolean {
  // Nulls may count as "not starting with", so only a column without nulls can be ruled out; then, if both bounds
  // start with the prefix, every value between them does too (a lexicographic fact whatever the character order).
  if (!range.noNulls || range.lower === undefined || range.upper === undefined) return true;
  return !(startsWith(range.lower, prefix) && startsWith(range.upper, prefix));
}
