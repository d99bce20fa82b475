import type { IcebergPrimitiveValue } from '../avro/single-value.ts';
import type { Transform } from '../model/transforms.ts';
import type { BoundExpression, BoundTerm } from './bind.ts';
import type { PartitionTuple } from './partition-evaluator.ts';
import { projectToPartition, type PartitionFieldInfo } from './projection.ts';
import { bucketValue, codePointLength, temporalTransform, truncateString, truncateValue } from './transform-values.ts';
import { valueSatisfies, type Predicate } from './value-predicate.ts';

/**
 * Residual filters: a scan's filter reduced against one partition tuple, what is left for an engine to test on the
 * rows of a file of that partition (Java's `ResidualEvaluator`, Iceberg 1.11). A predicate on a column is decided
 * where a partition field of that column settles it for every row of the partition:
 *
 * - an `identity` field (or a predicate on the same transform as a field, `day(ts) = …` on a `day(ts)` field) holds
 *   the value itself, so the predicate is evaluated on it;
 * - for other transforms the predicate is `true` when its strict projection holds for the partition value (every
 *   row with that value satisfies it), `false` when its inclusive projection does not (no such row does);
 * - otherwise it stays, and `and`/`or`/`not` are simplified around `true` and `false`.
 *
 * Each decision is exact for the rows of the partition, so the residual selects the same rows there as the filter.
 * Where Java decides and this does not: a null partition value decides only `is-null` and `not-null` (engines differ on
 * how null compares with `<`, `!=` or `not in`, and Java's evaluators put null first, so they call `null < 5` true),
 * and a value whose order against the literal is in doubt (`compareValues`: NaN, signed zeros, UUIDs, strings whose
 * order differs between UTF-16 units and code points) leaves the predicate as it is.
 */

type Value = IcebergPrimitiveValue;

const TRUE: BoundExpression = { type: 'true' };
const FALSE: BoundExpression = { type: 'false' };

/** `and`, `or` and `not` with `true` and `false` folded away, as Java's `Expressions.and/or/not` build them. */
function and(left: BoundExpression, right: BoundExpression): BoundExpression {
  if (left.type === 'false' || right.type === 'false') return FALSE;
  if (left.type === 'true') return right;
  if (right.type === 'true') return left;
  return { type: 'and', left, right };
}

function or(left: BoundExpression, right: BoundExpression): BoundExpression {
  if (left.type === 'true' || right.type === 'true') return TRUE;
  if (left.type === 'false') return right;
  if (right.type === 'false') return left;
  return { type: 'or', left, right };
}

function not(child: BoundExpression): BoundExpression {
  if (child.type === 'true') return FALSE;
  if (child.type === 'false') return TRUE;
  if (child.type === 'not') return child.child;
  return { type: 'not', child };
}

/**
 * The residual of a bound filter for a partition tuple (keyed by partition field name, as `decodeManifest` gives it)
 * of a spec whose fields are `fields` (`partitionFields(spec, schema)`). Predicates that stay are the very objects of
 * `bound`, so a caller can map them back to the JSON they came from (see {@link residualJson}).
 *
 * @example residualFor(bindJson({ type: 'and', left: { type: 'eq', term: 'region', value: 'eu' }, right: { type: 'gt', term: 'id', value: 5 } }), fields, { region: 'eu' })
 * // the `id > 5` predicate of the input
 */
export function residualFor(
  bound: BoundExpression,
  fields: readonly PartitionFieldInfo[],
  partition: PartitionTuple,
): BoundExpression {
  const visit = (e: BoundExpression): BoundExpression => {
    switch (e.type) {
      case 'true':
      case 'false':
      case 'unknown':
        return e;
      case 'and':
        return and(visit(e.left), visit(e.right));
      case 'or':
        return or(visit(e.left), visit(e.right));
      case 'not':
        return not(visit(e.child));
    }
    const decided = decide(e, fields, partition);
    return decided === undefined ? e : decided ? TRUE : FALSE;
  };
  return visit(bound);
}

const sameTransform = (a: Transform, b: Transform) =>
  a.name === b.name && ('width' in a ? a.width : undefined) === ('width' in b ? b.width : undefined);

/** Whether every row of the partition satisfies the predicate (true), none does (false), or it depends (undefined). */
function decide(p: Predicate, fields: readonly PartitionFieldInfo[], partition: PartitionTuple): boolean | undefined {
  const term = p.term;
  for (const f of fields) {
    if (f.sourceId !== term.field.id) continue;
    const v = partition[f.name];
    // A tuple without the field (of another spec) tells nothing; a void field is null whatever the rows hold.
    if (v === undefined || f.transform.name === 'void') continue;
    // Every other transform maps null to null and only null, so the partition value is null exactly when the column
    // is (and a transform of it).
    if (p.type === 'is-null') return v === null;
    if (p.type === 'not-null') return v !== null;
    if (v === null) continue;
    if (term.kind === 'transform') {
      if (!sameTransform(term.transform, f.transform)) continue;
      const found = valueSatisfies(p, f.resultType, v);
      if (found !== undefined) return found;
      continue;
    }
    if (f.transform.name === 'identity') {
      const found = valueSatisfies(p, f.resultType, v);
      if (found !== undefined) return found;
      continue;
    }
    const strict = strictProjection(p, f);
    if (strict && valueSatisfies(strict, f.resultType, v) === true) return true;
    const inclusive = projectToPartition(p, [f]);
    if (holds(inclusive, f.resultType, v) === false) return false;
  }
  return undefined;
}

/** An inclusive projection (a predicate, `true`, or an `and` of predicates) on one non-null partition value. */
function holds(e: BoundExpression, type: string, v: Value): boolean | undefined {
  switch (e.type) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and': {
      const l = holds(e.left, type, v);
      const r = holds(e.right, type, v);
      return l === false || r === false ? false : l === true && r === true ? true : undefined;
    }
    case 'or': {
      const l = holds(e.left, type, v);
      const r = holds(e.right, type, v);
      return l === true || r === true ? true : l === false && r === false ? false : undefined;
    }
    case 'unknown':
    case 'not':
      return undefined;
    default:
      return valueSatisfies(e, type, v);
  }
}

// ---- strict projection ------------------------------------------------------------------------------------------

const partitionTerm = (f: PartitionFieldInfo): BoundTerm => ({
  kind: 'column',
  field: { id: f.fieldId, name: f.name, type: f.resultType },
});

const step = (v: Value, by: 1 | -1): Value => (typeof v === 'bigint' ? v + BigInt(by) : (v as number) + by);

/** The images of a set of literals, or undefined when one has none. */
function images(values: readonly Value[], image: (v: Value) => Value | undefined): Value[] | undefined {
  const out: Value[] = [];
  for (const v of values) {
    const x = image(v);
    if (x === undefined) return undefined;
    out.push(x);
  }
  return out;
}

/**
 * A predicate on the partition field's values that, where it holds, proves the predicate for every row with that
 * value (the strict projection); `undefined` when there is none. `is-null`/`not-null` are decided before this.
 */
function strictProjection(p: Predicate, f: PartitionFieldInfo): Predicate | undefined {
  const term = partitionTerm(f);
  const t = f.transform;
  switch (t.name) {
    case 'bucket': {
      const bucket = (v: Value) => bucketValue(t.width, f.sourceType, v);
      if (p.type === 'not-eq') {
        const b = bucket(p.literal);
        return b === undefined ? undefined : { type: 'not-eq', term, literal: b };
      }
      if (p.type === 'not-in') {
        const bs = images(p.literals, bucket);
        return bs && { type: 'not-in', term, literals: bs };
      }
      return undefined;
    }
    case 'truncate':
      return strictTruncate(p, f, t.width, term);
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
      return strictTemporal(p, f, term);
  }
  return undefined;
}

/** Ordered through a function that never decreases: `t(x) < t(L)` proves `x < L`, and so on. */
function strictOrdered(
  p: Predicate,
  term: BoundTerm,
  image: (v: Value) => Value | undefined,
  discrete: boolean,
): Predicate | undefined {
  const to = (type: 'lt' | 'gt' | 'not-eq', v: Value): Predicate | undefined => {
    const x = image(v);
    return x === undefined ? undefined : { type, term, literal: x };
  };
  switch (p.type) {
    case 'lt':
      return to('lt', p.literal);
    case 'lt-eq':
      // For integers x <= L is x < L + 1; between strings or bytes there is no next value.
      return to('lt', discrete ? step(p.literal, 1) : p.literal);
    case 'gt':
      return to('gt', p.literal);
    case 'gt-eq':
      return to('gt', discrete ? step(p.literal, -1) : p.literal);
    case 'not-eq':
      return to('not-eq', p.literal);
    case 'not-in': {
      const xs = images(p.literals, image);
      return xs && { type: 'not-in', term, literals: xs };
    }
  }
  return undefined;
}

function strictTruncate(p: Predicate, f: PartitionFieldInfo, width: number, term: BoundTerm): Predicate | undefined {
  const kind = f.resultType.trim().toLowerCase();
  if (kind === 'string') {
    const trunc = (v: Value) => (typeof v === 'string' ? truncateString(v, width) : undefined);
    if (p.type === 'starts-with' || p.type === 'not-starts-with') {
      const prefix = p.literal as string;
      const n = codePointLength(prefix);
      const starts = p.type === 'starts-with';
      // A prefix shorter than W is a prefix of the truncated value exactly when it is one of the value; one of W
      // characters is the truncated value itself.
      if (n < width) return { type: p.type, term, literal: prefix };
      if (n === width) return { type: starts ? 'eq' : 'not-eq', term, literal: prefix };
      // Longer: the truncated value not starting with the prefix's first W characters proves "does not start with".
      return starts ? undefined : { type: 'not-starts-with', term, literal: truncateString(prefix, width) };
    }
    return strictOrdered(p, term, trunc, false);
  }
  if (kind === 'binary' || kind.startsWith('fixed')) {
    const trunc = (v: Value) => (v instanceof Uint8Array ? v.slice(0, width) : undefined);
    return strictOrdered(p, term, trunc, false);
  }
  return strictOrdered(p, term, (v) => truncateValue(width, f.sourceType, v), true);
}

function strictTemporal(p: Predicate, f: PartitionFieldInfo, term: BoundTerm): Predicate | undefined {
  const t = (v: Value) =>
    typeof v === 'number' || typeof v === 'bigint' ? temporalTransform(f.transform.name, f.sourceType, v) : undefined;
  const projected = strictOrdered(p, term, t, true);
  // Writers before Iceberg 0.10 put pre-1970 values one unit above their partition (day(1969-12-31 10:00) was 0).
  // Such a partition value must still prove the predicate: bounds from below move up one, and a negative value
  // excluded is excluded with the one above it. A date's day is the date itself, which no writer got wrong.
  const dayOfDate = f.transform.name === 'day' && f.sourceType.trim().toLowerCase() === 'date';
  if (!projected || dayOfDate) return projected;
  switch (projected.type) {
    case 'gt':
    case 'gt-eq': {
      const lit = projected.literal as number;
      return lit <= 0 ? { ...projected, literal: lit + 1 } : projected;
    }
    case 'not-eq': {
      const lit = projected.literal as number;
      return lit < 0 ? { type: 'not-in', term, literals: [lit, lit + 1] } : projected;
    }
    case 'not-in': {
      const lits = projected.literals as number[];
      return { ...projected, literals: [...new Set(lits.flatMap((l) => (l < 0 ? [l, l + 1] : [l])))] };
    }
  }
  return projected;
}

// ---- JSON -------------------------------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const opOf = (json: Record<string, unknown>) =>
  typeof json['type'] === 'string' ? json['type'].toLowerCase().replace(/_/g, '-') : undefined;

/**
 * The residual in the filter JSON the request sent: each predicate that stays is written as the client wrote it (so
 * a client reads back its own dialect of the expression JSON), `and`/`or`/`not` as `{"type","left","right"}` and
 * `{"type":"not","child"}`, and a residual decided for every row as `true` or `false`. `bound` must be the binding of
 * `filter` (its tree follows the JSON's); where the two do not line up, the whole filter is returned, which is always
 * a correct residual.
 *
 * @example residualJson({ type: 'and', left: { type: 'eq', term: 'region', value: 'eu' }, right: gtId }, bound, residualFor(bound, fields, { region: 'eu' }))
 * // gtId
 */
export function residualJson(filter: unknown, bound: BoundExpression, residual: BoundExpression): unknown {
  const leaves = new Map<BoundExpression, unknown>();
  const pair = (json: unknown, b: BoundExpression): boolean => {
    switch (b.type) {
      case 'true':
      case 'false':
        return true;
      case 'and':
      case 'or':
        return isObject(json) && opOf(json) === b.type && pair(json['left'], b.left) && pair(json['right'], b.right);
      case 'not':
        return isObject(json) && opOf(json) === 'not' && pair(json['child'], b.child);
      default:
        if (!isObject(json)) return false;
        leaves.set(b, json);
        return true;
    }
  };
  if (!pair(filter, bound)) return filter;
  const write = (r: BoundExpression): unknown => {
    switch (r.type) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'and':
      case 'or': {
        const left = write(r.left);
        const right = write(r.right);
        return left === undefined || right === undefined ? undefined : { type: r.type, left, right };
      }
      case 'not': {
        const child = write(r.child);
        return child === undefined ? undefined : { type: 'not', child };
      }
      default:
        return leaves.get(r);
    }
  };
  return write(residual) ?? filter;
}
