import type { BoundExpression } from './bind.ts';
import type { ComparisonOp, SetOp } from './expression.ts';
import { LiteralBeyondRange } from './literals.ts';

/**
 * Predicates whose literal lies beyond every value of the column's type (`i < 2^40` on an int column): they are
 * decided when bound, the way Iceberg's binders decide them (Java's `UnboundPredicate.bind`, PyIceberg's
 * `LiteralPredicate.bind`), because clients bind their own filters that way and send the same filter for the catalog
 * to plan. PyIceberg 0.12 planning on the server sends `i < 1099511627776` as written; refusing it would fail a
 * scan that planning in the client answers.
 */

/**
 * The constant a comparison becomes when its literal is past one end of the column's range: a value above the range
 * is greater than every value (`<`, `<=`, `!=` hold; `>`, `>=`, `=` never do), one below it smaller. Like Iceberg, the
 * constant does not look at nulls: `true` is a superset of the matching rows, which is all planning needs.
 *
 * @example decidedComparison('lt', 'above') // { type: 'true' }
 */
export function decidedComparison(op: ComparisonOp, side: LiteralBeyondRange['side']): BoundExpression | undefined {
  const holds: Partial<Record<ComparisonOp, boolean>> =
    side === 'above'
      ? { lt: true, 'lt-eq': true, 'not-eq': true, gt: false, 'gt-eq': false, eq: false }
      : { gt: true, 'gt-eq': true, 'not-eq': true, lt: false, 'lt-eq': false, eq: false };
  const v = holds[op];
  return v === undefined ? undefined : { type: v ? 'true' : 'false' };
}

/**
 * The literals of an `in` / `not-in` that the column can hold, converted by `convert`; literals beyond the type's
 * range are dropped (no value equals them). `decided` is the constant the predicate becomes when none is left: an
 * `in` of nothing matches no row, a `not-in` of nothing every row.
 *
 * @example literalsInRange('in', [1, 2 ** 40], (v) => literalFor('int', v)) // { literals: [1] }
 */
export function literalsInRange<T, V>(
  op: SetOp,
  values: readonly T[],
  convert: (v: T) => V,
): { literals: V[] } | { decided: BoundExpression } {
  const literals: V[] = [];
  let dropped = false;
  for (const v of values) {
    try {
      literals.push(convert(v));
    } catch (err) {
      if (!(err instanceof LiteralBeyondRange)) throw err;
      dropped = true;
    }
  }
  if (literals.length === 0 && dropped) return { decided: { type: op === 'in' ? 'false' : 'true' } };
  return { literals };
}
