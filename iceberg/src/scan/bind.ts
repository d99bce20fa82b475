import { InvalidArgumentError } from '../errors/index.ts';
import type { IcebergPrimitiveValue } from '../avro/single-value.ts';
import { primitiveKind } from '../avro/single-value.ts';
import { canTransform, parseTransform, type Transform } from '../model/transforms.ts';
import { parsePrimitiveType } from '../model/types.ts';
import type { ColumnRef, ComparisonOp, Expression, SetOp, UnaryOp, UnboundTerm } from './expression.ts';
import { decidedComparison, literalsInRange } from './beyond-range.ts';
import { LiteralBeyondRange, literalFor } from './literals.ts';
import { partitionResultType } from './transform-values.ts';

/**
 * Binding resolves each column of a parsed filter against the table schema (to its field id and primitive type) and
 * converts each literal to that type's value form, so evaluators work on field ids and comparable values only.
 */

/** A primitive column of the schema: its id, full dotted name and Iceberg type string. */
export interface BoundField {
  id: number;
  name: string;
  type: string;
}

export type BoundTerm =
  | { kind: 'column'; field: BoundField }
  /** `resultType` is the type of the transform's values, which is the type literals were bound to. */
  | { kind: 'transform'; transform: Transform; field: BoundField; resultType: string };

export type BoundExpression =
  | { type: 'true' }
  | { type: 'false' }
  | { type: 'and' | 'or'; left: BoundExpression; right: BoundExpression }
  | { type: 'not'; child: BoundExpression }
  /** Something no evaluator can judge (a function, a column-to-column comparison): it may match any row. */
  | { type: 'unknown'; why: string }
  | { type: UnaryOp; term: BoundTerm }
  | { type: ComparisonOp; term: BoundTerm; literal: IcebergPrimitiveValue }
  | { type: SetOp; term: BoundTerm; literals: IcebergPrimitiveValue[] };

/** The JSON schema shape binding reads: Iceberg's `{type: 'struct', fields: [{id, name, type, required}]}`. */
export interface SchemaJson {
  fields?: unknown;
  [k: string]: unknown;
}

type Lookup = { field: BoundField } | { problem: string; id: number };

interface SchemaIndex {
  byName: Map<string, Lookup>;
  byLowerName: Map<string, Lookup[]>;
  byId: Map<number, Lookup>;
}

/** Name and id lookups per schema object; schemas of table metadata are never changed in place, so this stays valid. */
const indexes = new WeakMap<object, SchemaIndex>();

function indexSchema(schema: SchemaJson): SchemaIndex {
  const cached = indexes.get(schema);
  if (cached) return cached;
  const index: SchemaIndex = { byName: new Map(), byLowerName: new Map(), byId: new Map() };
  const add = (name: string, id: number | undefined, entry: Lookup) => {
    index.byName.set(name, entry);
    const lower = name.toLowerCase();
    index.byLowerName.set(lower, [...(index.byLowerName.get(lower) ?? []), entry]);
    if (id !== undefined) index.byId.set(id, entry);
  };
  const walk = (fields: unknown, prefix: string) => {
    if (!Array.isArray(fields)) return;
    for (const raw of fields) {
      if (!raw || typeof raw !== 'object') continue;
      const f = raw as Record<string, unknown>;
      if (typeof f['name'] !== 'string' || typeof f['id'] !== 'number') continue;
      const name = prefix + f['name'];
      const type = f['type'];
      if (typeof type === 'string') {
        add(name, f['id'], { field: { id: f['id'], name, type } });
      } else if (type && typeof type === 'object' && (type as Record<string, unknown>)['type'] === 'struct') {
        add(name, f['id'], {
          problem: `column ${name} is a struct; filter on one of its fields (${name}.…)`,
          id: f['id'],
        });
        walk((type as Record<string, unknown>)['fields'], `${name}.`);
      } else {
        // Values inside lists and maps have no single value per row to compare, so they are not bindable here.
        const kind = type && typeof type === 'object' ? String((type as Record<string, unknown>)['type']) : 'nested';
        add(name, f['id'], {
          problem: `column ${name} is a ${kind}; filters on list or map columns are not supported`,
          id: f['id'],
        });
      }
    }
  };
  walk(schema.fields, '');
  indexes.set(schema, index);
  return index;
}

/**
 * The primitive column with a field id, or `undefined` when there is none (or it is a struct, list or map).
 *
 * @example findFieldById(schema, 1) // { id: 1, name: 'id', type: 'long' }
 */
export function findFieldById(schema: SchemaJson, id: number): BoundField | undefined {
  const found = indexSchema(schema).byId.get(id);
  return found && 'field' in found ? found.field : undefined;
}

/**
 * The field id of a column named by its full dotted path, of any type (struct, list and map columns too): what a scan
 * request's `select` and `stats-fields` name. Throws `InvalidArgumentError` for a name the schema does not have.
 *
 * @example columnFieldId(schema, 'ID', false) // 1
 */
export function columnFieldId(schema: SchemaJson, name: string, caseSensitive: boolean): number {
  const found = lookup({ kind: 'name', name }, schema, caseSensitive, 'column');
  if (!found) throw new InvalidArgumentError(`Invalid column: cannot find column ${name}`);
  return 'field' in found ? found.field.id : found.id;
}

function lookup(ref: ColumnRef, schema: SchemaJson, caseSensitive: boolean, what: string): Lookup | undefined {
  const index = indexSchema(schema);
  if (ref.kind === 'id') return index.byId.get(ref.id);
  if (caseSensitive) return index.byName.get(ref.name);
  const matches = index.byLowerName.get(ref.name.toLowerCase()) ?? [];
  if (matches.length > 1)
    throw new InvalidArgumentError(`Invalid ${what}: column name ${ref.name} is ambiguous without case sensitivity`);
  return matches[0];
}

function resolve(ref: ColumnRef, schema: SchemaJson, caseSensitive: boolean): BoundField {
  const found = lookup(ref, schema, caseSensitive, 'filter');
  if (!found && ref.kind === 'id')
    throw new InvalidArgumentError(`Invalid filter: no column with field id ${ref.id} in the schema`);
  if (!found && ref.kind === 'name') throw new InvalidArgumentError(`Invalid filter: cannot find column ${ref.name}`);
  if (!found || 'problem' in found) throw new InvalidArgumentError(`Invalid filter: ${found ? found.problem : ''}`);
  return found.field;
}

function bindTerm(term: UnboundTerm & { kind: 'column' | 'transform' }, schema: SchemaJson, cs: boolean): BoundTerm {
  const field = resolve(term.ref, schema, cs);
  if (term.kind === 'column') return { kind: 'column', field };
  const transform = parseTransform(term.transform);
  if (typeof transform === 'string') throw new InvalidArgumentError(`Invalid filter: ${transform}`);
  const source = parsePrimitiveType(field.type);
  if (typeof source === 'string' || !canTransform(transform, source))
    throw new InvalidArgumentError(`Invalid filter: transform ${term.transform} cannot apply to ${field.type}`);
  return { kind: 'transform', transform, field, resultType: partitionResultType(term.transform, field.type) };
}

const typeOf = (t: BoundTerm) => (t.kind === 'column' ? t.field.type : t.resultType);
const isFloating = (type: string) => ['float', 'double'].includes(primitiveKind(type));

/**
 * Binds a parsed filter to a schema. Names are full dotted paths for nested struct fields (`location.city`);
 * `caseSensitive: false` matches them ignoring case. Throws `InvalidArgumentError` for an unknown column, a list or
 * map column, or a literal that does not fit the column's type; an integer literal beyond its column's range decides
 * its predicate instead, as Iceberg's binders do (`n < 2^40` on an int column is true).
 *
 * @example bindExpression(parseExpression({ type: 'eq', term: 'ID', value: 7 }), schema, false)
 * // { type: 'eq', term: { kind: 'column', field: { id: 1, name: 'id', type: 'long' } }, literal: 7n }
 */
export function bindExpression(expr: Expression, schema: SchemaJson, caseSensitive: boolean): BoundExpression {
  const bind = (e: Expression): BoundExpression => {
    switch (e.type) {
      case 'true':
      case 'false':
        return e;
      case 'and':
      case 'or':
        return { type: e.type, left: bind(e.left), right: bind(e.right) };
      case 'not':
        return { type: 'not', child: bind(e.child) };
    }
    if (e.term.kind === 'opaque') return { type: 'unknown', why: e.term.why };
    const term = bindTerm(e.term, schema, caseSensitive);
    const type = typeOf(term);
    const where = term.kind === 'column' ? term.field.name : `${term.transform.name}(${term.field.name})`;
    const convert = (v: Parameters<typeof literalFor>[1]) => {
      try {
        return literalFor(type, v);
      } catch (err) {
        // Kept as it is: the predicate may be decided from it (beyond-range.ts); named below when it is not.
        if (err instanceof LiteralBeyondRange) throw err;
        if (err instanceof InvalidArgumentError) throw new InvalidArgumentError(`${err.message} (column ${where})`);
        throw err;
      }
    };
    const undecided = (err: LiteralBeyondRange) => new InvalidArgumentError(`${err.message} (column ${where})`);
    switch (e.type) {
      case 'is-nan':
      case 'not-nan':
        // Only floating-point values can be NaN: for other types the answer is known (as Iceberg binds it).
        if (term.kind === 'column' && !isFloating(type)) return { type: e.type === 'is-nan' ? 'false' : 'true' };
        return { type: e.type, term };
      case 'is-null':
      case 'not-null':
        return { type: e.type, term };
      case 'in':
      case 'not-in': {
        const inRange = literalsInRange(e.type, e.values, convert);
        return 'decided' in inRange ? inRange.decided : { type: e.type, term, literals: inRange.literals };
      }
      case 'starts-with':
      case 'not-starts-with':
        if (primitiveKind(type) !== 'string')
          throw new InvalidArgumentError(`Invalid filter: ${e.type} needs a string column, ${where} is ${type}`);
        return { type: e.type, term, literal: convert(e.value) };
      default:
        try {
          return { type: e.type, term, literal: convert(e.value) };
        } catch (err) {
          if (!(err instanceof LiteralBeyondRange)) throw err;
          const decided = decidedComparison(e.type, err.side);
          if (!decided) throw undecided(err);
          return decided;
        }
    }
  };
  return bind(expr);
}
