import type { IcebergPrimitiveValue } from '../avro/single-value.ts';
import { parseTransform, type Transform } from '../model/transforms.ts';
import { findFieldById, type BoundExpression, type BoundTerm, type SchemaJson } from './bind.ts';
import { rewriteNot } from './rewrite-not.ts';
import { bucketValue, codePointLength, temporalTransform, truncateString, truncateValue } from './transform-values.ts';
import type { Predicate } from './value-predicate.ts';

/**
 * Inclusive projection: a filter on table columns rewritten into a filter on partition values that holds for the
 * partition of every row the original filter selects. A predicate that a transform cannot carry becomes `true`.
 */

/** One field of a partition spec, resolved against the schema. */
export interface PartitionFieldInfo {
  fieldId: number;
  /** The partition field's name: the key of the partition tuple in manifests. */
  name: string;
  /** Its place in the spec, which is its place in the manifest list's field summaries. */
  position: number;
  sourceId: number;
  sourceType: string;
  transform: Transform;
  /** The type of the partition values. */
  resultType: string;
}

/** The partition spec JSON: `{"spec-id": 0, "fields": [{"source-id", "field-id", "name", "transform"}]}`. */
export interface PartitionSpecJson {
  'spec-id'?: number;
  fields?: unknown;
  [k: string]: unknown;
}

/**
 * The fields of a partition spec that projection can use: each resolved to its source column and transform. Fields
 * with an unknown transform or source (or several sources) are left out, which only removes pruning.
 *
 * @example partitionFields({ 'spec-id': 0, fields: [{ 'source-id': 2, 'field-id': 1000, name: 'ts_day', transform: 'day' }] }, schema)
 * // [{ fieldId: 1000, name: 'ts_day', position: 0, sourceId: 2, sourceType: 'timestamptz', transform: { name: 'day' }, resultType: 'date' }]
 */
export function partitionFields(spec: PartitionSpecJson, schema: SchemaJson): PartitionFieldInfo[] {
  const out: PartitionFieldInfo[] = [];
  const fields = Array.isArray(spec.fields) ? spec.fields : [];
  fields.forEach((raw: unknown, position: number) => {
    if (!raw || typeof raw !== 'object') return;
    const f = raw as Record<string, unknown>;
    const sourceIds = f['source-ids'];
    const sourceId = f['source-id'] ?? (Array.isArray(sourceIds) && sourceIds.length === 1 ? sourceIds[0] : undefined);
    if (typeof sourceId !== 'number' || typeof f['name'] !== 'string' || typeof f['transform'] !== 'string') return;
    const transform = parseTransform(f['transform']);
    const source = findFieldById(schema, sourceId);
    if (typeof transform === 'string' || !source) return;
    const resultType =
      transform.name === 'identity' || transform.name === 'truncate' || transform.name === 'void'
        ? source.type
        : transform.name === 'day'
          ? 'date'
          : 'int';
    out.push({
      fieldId: typeof f['field-id'] === 'number' ? f['field-id'] : -1,
      name: f['name'],
      position,
      sourceId,
      sourceType: source.type,
      transform,
      resultType,
    });
  });
  return out;
}

const sameTransform = (a: Transform, b: Transform) =>
  a.name === b.name && ('width' in a ? a.width : undefined) === ('width' in b ? b.width : undefined);

/**
 * The inclusive projection of a bound filter onto partition fields. The result's column terms name partition fields
 * (`field.id` is the partition field id, `field.name` its name, `field.type` the partition value type).
 *
 * @example projectToPartition(bindExpression(parseExpression({ type: 'lt', term: 'ts', value: '2024-01-02T00:00:00' }), schema, true), fields)
 * // { type: 'lt-eq', term: { kind: 'column', field: { id: 1000, name: 'ts_day', type: 'date' } }, literal: 19724 }
 */
export function projectToPartition(bound: BoundExpression, fields: PartitionFieldInfo[]): BoundExpression {
  const project = (e: BoundExpression): BoundExpression => {
    switch (e.type) {
      case 'true':
      case 'false':
      case 'unknown':
        return e;
      case 'and':
      case 'or':
        return { type: e.type, left: project(e.left), right: project(e.right) };
      case 'not':
        return { type: 'true' }; // rewriteNot ran first; an unexpected not keeps everything
    }
    const term = e.term;
    if (term.kind === 'transform') {
      // A predicate on day(ts) is a predicate on a day(ts) partition field's values as they are.
      const same = fields.find((f) => f.sourceId === term.field.id && sameTransform(f.transform, term.transform));
      return same ? { ...e, term: partitionTerm(same) } : { type: 'true' };
    }
    const parts = fields
      .filter((f) => f.sourceId === term.field.id)
      .map((f) => projectOne(e, f))
      .filter((p): p is BoundExpression => p !== undefined);
    // Every projection holds for a matching row, so all of them together do.
    return parts.reduce<BoundExpression>((acc, p) => (acc.type === 'true' ? p : { type: 'and', left: acc, right: p }), {
      type: 'true',
    });
  };
  return project(rewriteNot(bound));
}

const partitionTerm = (f: PartitionFieldInfo): BoundTerm => ({
  kind: 'column',
  field: { id: f.fieldId, name: f.name, type: f.resultType },
});

/** One predicate through one partition field; `undefined` when the transform cannot carry it. */
function projectOne(e: Predicate, f: PartitionFieldInfo): BoundExpression | undefined {
  const term = partitionTerm(f);
  if (f.transform.name === 'identity') return { ...e, term };
  // void writes null for every row, so no predicate (not even not-null) says anything about its values.
  if (f.transform.name === 'void') return undefined;
  if (e.type === 'is-null' || e.type === 'not-null') return { type: e.type, term };
  switch (f.transform.name) {
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
      return projectTemporal(e, f, term);
    case 'truncate':
      return projectTruncate(e, f, f.transform.width, term);
    case 'bucket': {
      const width = f.transform.width;
      const bucket = (v: IcebergPrimitiveValue) => bucketValue(width, f.sourceType, v);
      return pointwise(e, term, (v) => {
        const b = bucket(v);
        return b === undefined ? undefined : [b];
      });
    }
  }
  return undefined;
}

/** eq and in through a function from a literal to the partition values it may land in; others give undefined. */
function pointwise(
  e: Predicate,
  term: BoundTerm,
  image: (v: IcebergPrimitiveValue) => IcebergPrimitiveValue[] | undefined,
): BoundExpression | undefined {
  const sources = e.type === 'eq' ? [e.literal] : e.type === 'in' ? e.literals : undefined;
  if (!sources) return undefined;
  const values: IcebergPrimitiveValue[] = [];
  for (const v of sources) {
    const img = image(v);
    if (!img) return undefined;
    for (const x of img) if (!values.some((y) => y === x)) values.push(x);
  }
  return values.length === 1 && e.type === 'eq'
    ? { type: 'eq', term, literal: values[0] }
    : { type: 'in', term, literals: values };
}

const step = (v: IcebergPrimitiveValue, by: 1 | -1): IcebergPrimitiveValue =>
  typeof v === 'bigint' ? v + BigInt(by) : (v as number) + by;

const isNegative = (v: IcebergPrimitiveValue) => (typeof v === 'bigint' ? v < 0n : (v as number) < 0);

function projectTemporal(e: Predicate, f: PartitionFieldInfo, term: BoundTerm): BoundExpression | undefined {
  const t = (v: IcebergPrimitiveValue) =>
    typeof v === 'number' || typeof v === 'bigint' ? temporalTransform(f.transform.name, f.sourceType, v) : undefined;
  // Writers before Iceberg 0.13 rounded pre-1970 values toward zero, one unit above the spec's floor; a partition of
  // such a row may hold that value, so projections that bound partitions from above also admit it.
  const upTo = (v: IcebergPrimitiveValue): BoundExpression | undefined => {
    const r = t(v);
    return r === undefined ? undefined : { type: 'lt-eq', term, literal: isNegative(v) ? r + 1 : r };
  };
  const from = (v: IcebergPrimitiveValue): BoundExpression | undefined => {
    const r = t(v);
    return r === undefined ? undefined : { type: 'gt-eq', term, literal: r };
  };
  switch (e.type) {
    case 'lt':
      return upTo(step(e.literal, -1));
    case 'lt-eq':
      return upTo(e.literal);
    case 'gt':
      return from(step(e.literal, 1));
    case 'gt-eq':
      return from(e.literal);
  }
  return pointwise(e, term, (v) => {
    const r = t(v);
    if (r === undefined) return undefined;
    return isNegative(v) ? [r, r + 1] : [r];
  });
}

function projectTruncate(
  e: Predicate,
  f: PartitionFieldInfo,
  width: number,
  term: BoundTerm,
): BoundExpression | undefined {
  const trunc = (v: IcebergPrimitiveValue) => truncateValue(width, f.sourceType, v);
  const bounded = (type: 'lt-eq' | 'gt-eq', v: IcebergPrimitiveValue): BoundExpression | undefined => {
    const r = trunc(v);
    return r === undefined ? undefined : { type, term, literal: r };
  };
  const isString = typeof (e as { literal?: unknown }).literal === 'string' || f.resultType === 'string';
  switch (e.type) {
    case 'lt':
      // For strings, x < lit only gives trunc(x) ≤ trunc(lit); for integers, x ≤ lit − 1 is exact.
      return bounded('lt-eq', isString ? e.literal : step(e.literal, -1));
    case 'lt-eq':
      return bounded('lt-eq', e.literal);
    case 'gt':
      return bounded('gt-eq', isString ? e.literal : step(e.literal, 1));
    case 'gt-eq':
      return bounded('gt-eq', e.literal);
    case 'starts-with': {
      const p = e.literal as string;
      // A prefix at least W long fixes the whole truncated value; a shorter one is a prefix of it.
      return codePointLength(p) >= width
        ? { type: 'eq', term, literal: truncateString(p, width) }
        : { type: 'starts-with', term, literal: p };
    }
    case 'not-starts-with': {
      const p = e.literal as string;
      // trunc(x) keeps the first W characters, so for a prefix no longer than that it starts with p exactly when x does.
      return codePointLength(p) <= width ? { type: 'not-starts-with', term, literal: p } : undefined;
    }
  }
  return pointwise(e, term, (v) => {
    const r = trunc(v);
    return r === undefined ? undefined : [r];
  });
}
