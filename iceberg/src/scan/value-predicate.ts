import type { IcebergPrimitiveValue } from '../avro/single-value.ts';
import type { BoundExpression } from './bind.ts';
import { compareValues, startsWith } from './compare.ts';

/** One predicate of a bound filter: on one term, neither a constant nor `and`/`or`/`not`. */
export type Predicate = Exclude<BoundExpression, { type: 'true' | 'false' | 'unknown' | 'and' | 'or' | 'not' }>;

/**
 * Whether one non-null value of `type` satisfies predicate `p`: exact, or `undefined` where the value's order against
 * a literal is in doubt (`compareValues`: NaN, signed zeros, UUIDs, strings whose UTF-16 and code-point orders
 * differ). Partition pruning reads `undefined` as "may match", residual filters as "not decided".
 *
 * @example valueSatisfies({ type: 'lt', term, literal: 5 }, 'int', 3) // true
 */
export function valueSatisfies(p: Predicate, type: string, v: IcebergPrimitiveValue): boolean | undefined {
  const cmp = (lit: IcebergPrimitiveValue) => compareValues(type, v, lit);
  const isNaN = typeof v === 'number' && Number.isNaN(v);
  switch (p.type) {
    case 'is-null':
      return false;
    case 'not-null':
      return true;
    case 'is-nan':
      return isNaN;
    case 'not-nan':
      return !isNaN;
    case 'starts-with':
      return startsWith(v, p.literal);
    case 'not-starts-with':
      return !startsWith(v, p.literal);
    case 'in':
    case 'not-in': {
      const cs = p.literals.map(cmp);
      const found = cs.some((c) => c === 0) ? true : cs.every((c) => c !== undefined) ? false : undefined;
      return found === undefined ? undefined : p.type === 'in' ? found : !found;
    }
  }
  const c = cmp(p.literal);
  if (c === undefined) return undefined;
  switch (p.type) {
    case 'lt':
      return c < 0;
    case 'lt-eq':
      return c <= 0;
    case 'gt':
      return c > 0;
    case 'gt-eq':
      return c >= 0;
    case 'eq':
      return c === 0;
    case 'not-eq':
      return c !== 0;
  }
}
