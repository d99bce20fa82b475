import { primitiveKind } from '../avro/single-value.ts';
import type { BoundExpression } from './bind.ts';
import type { ComparisonOp, SetOp, UnaryOp } from './expression.ts';

/**
 * `not` pushed down to the predicates. Evaluators answer "may some row match?", and the negation of that answer is not
 * "may some row match the negation?" (a file with ids 1..10 may match `id = 5` and may match `not(id = 5)`), so a
 * `not` must be rewritten into the negated predicate before any evaluator sees it.
 */

const ORDERING: string[] = ['lt', 'lt-eq', 'gt', 'gt-eq'];

const isFloating = (type: string) => ['float', 'double'].includes(primitiveKind(type));

const NEGATED: Record<UnaryOp | ComparisonOp | SetOp, UnaryOp | ComparisonOp | SetOp> = {
  'is-null': 'not-null',
  'not-null': 'is-null',
  'is-nan': 'not-nan',
  'not-nan': 'is-nan',
  lt: 'gt-eq',
  'lt-eq': 'gt',
  gt: 'lt-eq',
  'gt-eq': 'lt',
  eq: 'not-eq',
  'not-eq': 'eq',
  'starts-with': 'not-starts-with',
  'not-starts-with': 'starts-with',
  in: 'not-in',
  'not-in': 'in',
};

/**
 * The expression with every `not` removed: De Morgan for and/or, each predicate replaced by its negation.
 *
 * @example rewriteNot({ type: 'not', child: { type: 'lt', term, literal: 5 } }) // { type: 'gt-eq', term, literal: 5 }
 */
export function rewriteNot(expr: BoundExpression): BoundExpression {
  switch (expr.type) {
    case 'not':
      return negate(expr.child);
    case 'and':
    case 'or':
      return { type: expr.type, left: rewriteNot(expr.left), right: rewriteNot(expr.right) };
    default:
      return expr;
  }
}

/**
 * The negation of an expression, itself free of `not`. An unknown stays unknown: its negation is just as unknown.
 * An ordering comparison on a floating-point column also admits NaN, which satisfies the negation of any of them.
 *
 * @example negate({ type: 'and', left: a, right: b }) // { type: 'or', left: negate(a), right: negate(b) }
 */
export function negate(expr: BoundExpression): BoundExpression {
  switch (expr.type) {
    case 'true':
      return { type: 'false' };
    case 'false':
      return { type: 'true' };
    case 'unknown':
      return expr;
    case 'not':
      return rewriteNot(expr.child);
    case 'and':
      return { type: 'or', left: negate(expr.left), right: negate(expr.right) };
    case 'or':
      return { type: 'and', left: negate(expr.left), right: negate(expr.right) };
    default: {
      // The negated op takes the same operands (one term, and the same literal or literal set).
      const negated = { ...expr, type: NEGATED[expr.type] } as BoundExpression;
      // NaN fails every ordering comparison, so not(x < 1) holds for NaN while x >= 1 does not: keep NaN rows too.
      if (ORDERING.includes(expr.type) && expr.term.kind === 'column' && isFloating(expr.term.field.type))
        return { type: 'or', left: negated, right: { type: 'is-nan', term: expr.term } };
      return negated;
    }
  }
}
