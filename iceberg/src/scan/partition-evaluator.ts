import type { FieldSummary } from '../avro/manifest-list.ts';
import type { IcebergPrimitiveValue } from '../avro/single-value.ts';
import type { BoundExpression, SchemaJson } from './bind.ts';

import { decodeBound } from './metrics-evaluator.ts';
import { partitionFields, projectToPartition, type PartitionSpecJson } from './projection.ts';
import { rangeMayMatch, type RangePredicate, type ValueRange } from './range.ts';
import { valueSatisfies, type Predicate } from './value-predicate.ts';

/**
 * Partition pruning: the filter projected onto a spec's partition fields (see projection.ts), evaluated on one data
 * file's partition tuple, or on a whole manifest's partition field summaries from the manifest list.
 */

export type PartitionTuple = Record<string, IcebergPrimitiveValue | null>;

/**
 * Whether one partition value may satisfy a projected predicate. Exact where the answer is certain; `true` where
 * engines differ (how nulls compare with `<` or `!=`) or the order is in doubt (see `compareValues`).
 */
function valueMayMatch(p: Predicate, v: IcebergPrimitiveValue | null | undefined): boolean {
  // A partition tuple without the field (an older spec's tuple, say) tells nothing.
  if (v === undefined) return true;
  const type = p.term.field.type;
  if (v === null) {
    switch (p.type) {
      case 'is-null':
        return true;
      case 'not-null':
      case 'eq':
      case 'in':
      case 'starts-with':
        return false;
      default:
        return true;
    }
  }
  return valueSatisfies(p, type, v) ?? true;
}

function evaluate(e: BoundExpression, leaf: (p: Predicate) => boolean): boolean {
  switch (e.type) {
    case 'true':
    case 'unknown':
    case 'not':
      return true;
    case 'false':
      return false;
    case 'and':
      return evaluate(e.left, leaf) && evaluate(e.right, leaf);
    case 'or':
      return evaluate(e.left, leaf) || evaluate(e.right, leaf);
    default:
      return leaf(e);
  }
}

/**
 * A test for data files' partition tuples (keyed by partition field name, as `decodeManifest` gives them): `false`
 * only when no row with that partition can match the filter.
 *
 * @example const mayMatch = partitionMayMatch(bound, { 'spec-id': 0, fields: [{ 'source-id': 2, 'field-id': 1000, name: 'd', transform: 'day' }] }, schema);
 * mayMatch({ d: 19723 }) // false for a filter ts >= '2024-01-02T00:00:00'
 */
export function partitionMayMatch(
  bound: BoundExpression,
  spec: PartitionSpecJson,
  schema: SchemaJson,
): (partition: PartitionTuple) => boolean {
  const projected = projectToPartition(bound, partitionFields(spec, schema));
  return (partition) => evaluate(projected, (p) => valueMayMatch(p, partition[p.term.field.name]));
}

/**
 * Whether a manifest may hold a data file matching the filter, from its manifest list entry's partition summaries
 * (one per spec field, in spec order). Missing summaries or bounds give `true`. A summary without bounds is not read
 * as "all null": a writer that omits bounds would otherwise lose its manifests.
 *
 * @example manifestMayMatch(bound, spec, schema, manifestFile.partitions ?? []) // false when no day in [lower, upper] can match
 */
export function manifestMayMatch(
  bound: BoundExpression,
  spec: PartitionSpecJson,
  schema: SchemaJson,
  summaries: FieldSummary[] | null | undefined,
): boolean {
  if (!summaries) return true;
  const fields = partitionFields(spec, schema);
  const projected = projectToPartition(bound, fields);
  const rangeOf = (fieldName: string, type: string): ValueRange | undefined => {
    const field = fields.find((f) => f.name === fieldName);
    const s = field ? summaries[field.position] : undefined;
    if (!s) return undefined;
    return {
      type,
      lower: decodeBound(type, s.lowerBound),
      upper: decodeBound(type, s.upperBound),
      noNulls: s.containsNull === false,
      onlyNulls: false,
      noNaNs: s.containsNan === false,
      onlyNaNs: false,
      noComparable: false,
    };
  };
  return evaluate(projected, (p) => {
    const range = rangeOf(p.term.field.name, p.term.field.type);
    return range === undefined || rangeMayMatch(p as RangePredicate, range);
  });
}
