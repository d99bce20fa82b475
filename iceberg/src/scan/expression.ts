import { InvalidArgumentError } from '../errors/index.ts';

// Binding lives in bind.ts (its own concern); re-exported so parse and bind can be imported together from here.
export { bindExpression } from './bind.ts';

/**
 * The filter expressions of the REST scan-planning request (`filter` of `PlanTableScanRequest`), read into a tagged
 * tree. Both the spec's current shapes (`child`, `left`/`right`, `{"type":"reference","name":…}`, typed literals) and
 * the legacy ones Iceberg's Java `ExpressionParser` still writes (`term`/`value`, bare column names, transform terms)
 * are accepted, because clients of either age call the same endpoint.
 */

/** Predicates on one term and no literal. */
export const UNARY_OPS = ['is-null', 'not-null', 'is-nan', 'not-nan'] as const;
/** Predicates on one term and one literal. */
export const COMPARISON_OPS = ['lt', 'lt-eq', 'gt', 'gt-eq', 'eq', 'not-eq', 'starts-with', 'not-starts-with'] as const;
/** Predicates on one term and a set of literals. */
export const SET_OPS = ['in', 'not-in'] as const;

export type UnaryOp = (typeof UNARY_OPS)[number];
export type ComparisonOp = (typeof COMPARISON_OPS)[number];
export type SetOp = (typeof SET_OPS)[number];

/** A literal as JSON carried it; binding converts it to the column's type. */
export type JsonLiteral = boolean | number | bigint | string;

/** A column reference, by name (unbound, the usual case) or by field id. */
export type ColumnRef = { kind: 'name'; name: string } | { kind: 'id'; id: number };

/** What a predicate tests: a column, or a partition transform of a column (`day(ts)`). */
export type UnboundTerm =
  | { kind: 'column'; ref: ColumnRef }
  | { kind: 'transform'; transform: string; ref: ColumnRef }
  /** A function application or a column-to-column comparison: kept so evaluators can answer "may match". */
  | { kind: 'opaque'; why: string };

export type Expression =
  | { type: 'true' }
  | { type: 'false' }
  | { type: 'and' | 'or'; left: Expression; right: Expression }
  | { type: 'not'; child: Expression }
  | { type: UnaryOp; term: UnboundTerm }
  | { type: ComparisonOp; term: UnboundTerm; value: JsonLiteral }
  | { type: SetOp; term: UnboundTerm; values: JsonLiteral[] };

const bad = (message: string): never => {
  throw new InvalidArgumentError(`Invalid filter expression: ${message}`);
};

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

const show = (v: unknown): string => {
  if (typeof v === 'bigint') return v.toString();
  const text = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return text === undefined ? String(v) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/**
 * Reads a filter expression from its JSON form (already parsed, e.g. by `parseJson`, so longs may be `bigint`).
 * Throws `InvalidArgumentError` naming the first thing that is not an expression.
 *
 * @example parseExpression({ type: 'and', left: { type: 'lt', term: 'id', value: 5 }, right: { type: 'not-null', term: 'name' } })
 * // { type: 'and', left: { type: 'lt', term: { kind: 'column', ref: { kind: 'name', name: 'id' } }, value: 5 }, right: … }
 */
export function parseExpression(json: unknown): Expression {
  return parseAt(json, 'filter');
}

function parseAt(json: unknown, path: string): Expression {
  if (json === true) return { type: 'true' };
  if (json === false) return { type: 'false' };
  if (!isObject(json)) return bad(`${path} must be true, false or an object with a type, got ${show(json)}`);
  const type = json['type'];
  if (typeof type !== 'string') return bad(`${path} needs a string "type", got ${show(type)}`);
  // Iceberg's Java reader also takes the enum spelling (`not_eq`, `LT_EQ`); so does this one.
  const op = type.toLowerCase().replace(/_/g, '-');
  switch (op) {
    case 'true':
    case 'false':
      return { type: op };
    case 'and':
    case 'or':
      if (!('left' in json)) return bad(`${path} (${op}) has no "left" operand`);
      if (!('right' in json)) return bad(`${path} (${op}) has no "right" operand`);
      return { type: op, left: parseAt(json['left'], `${path}.left`), right: parseAt(json['right'], `${path}.right`) };
    case 'not':
      if (!('child' in json)) return bad(`${path} (not) has no "child"`);
      return { type: 'not', child: parseAt(json['child'], `${path}.child`) };
  }
  if ((UNARY_OPS as readonly string[]).includes(op)) {
    return { type: op as UnaryOp, term: operand(json, ['child', 'term'], path, op) };
  }
  if ((COMPARISON_OPS as readonly string[]).includes(op)) return parseComparison(json, op as ComparisonOp, path);
  if ((SET_OPS as readonly string[]).includes(op)) {
    const term = operand(json, ['child', 'term'], path, op);
    if (!('values' in json)) return bad(`${path} (${op}) has no "values"`);
    return { type: op as SetOp, term, values: parseLiterals(json['values'], `${path}.values`) };
  }
  return bad(
    `${path} has unknown type ${show(type)} (expected true, false, and, or, not, ${[...UNARY_OPS, ...COMPARISON_OPS, ...SET_OPS].join(', ')})`,
  );
}

/** The first of `keys` present on the predicate, read as a term. */
function operand(json: Record<string, unknown>, keys: string[], path: string, op: string): UnboundTerm {
  const key = keys.find((k) => k in json);
  if (key === undefined) return bad(`${path} (${op}) has no term (${keys.map((k) => `"${k}"`).join(' or ')})`);
  return parseTerm(json[key], `${path}.${key}`);
}

function parseComparison(json: Record<string, unknown>, op: ComparisonOp, path: string): Expression {
  const leftKey = 'left' in json ? 'left' : 'term';
  const rightKey = 'right' in json ? 'right' : 'value';
  if (!(leftKey in json)) return bad(`${path} (${op}) has no term ("left" or "term")`);
  if (!(rightKey in json)) return bad(`${path} (${op}) has no value ("right" or "value")`);
  const left = json[leftKey];
  const right = json[rightKey];
  // The current spec allows a value expression on either side; a literal on the left is turned around so the term
  // is always first, and two non-literals are kept as an opaque term that evaluators cannot prune on.
  // On the right anything but a reference or function object is a literal; on the left a bare string stays a column
  // name, as the legacy "term" form has it, since a string literal compared to a column is written the other way.
  const leftIsLiteral = leftKey === 'left' && (isObject(left) ? left['type'] === 'literal' : typeof left !== 'string');
  const rightIsLiteral = isObject(right) ? right['type'] === 'literal' : true;
  if (rightIsLiteral && !leftIsLiteral)
    return { type: op, term: parseTerm(left, `${path}.${leftKey}`), value: parseLiteral(right, `${path}.${rightKey}`) };
  if (leftIsLiteral && !rightIsLiteral) {
    const flipped = FLIPPED[op];
    if (flipped)
      return { type: flipped, term: parseTerm(right, `${path}.right`), value: parseLiteral(left, `${path}.left`) };
  }
  if (leftIsLiteral && rightIsLiteral) return bad(`${path} (${op}) compares two literals; one side must be a column`);
  parseTerm(left, `${path}.${leftKey}`);
  if (!rightIsLiteral) parseTerm(right, `${path}.${rightKey}`);
  // The value is never read: binding turns an opaque term into an unknown before looking at literals.
  return { type: op, term: { kind: 'opaque', why: `${op} with a non-literal operand` }, value: '' };
}

/** `5 < x` is `x > 5`; starts-with has no mirror image. */
const FLIPPED: Partial<Record<ComparisonOp, ComparisonOp>> = {
  lt: 'gt',
  'lt-eq': 'gt-eq',
  gt: 'lt',
  'gt-eq': 'lt-eq',
  eq: 'eq',
  'not-eq': 'not-eq',
};

function parseTerm(json: unknown, path: string): UnboundTerm {
  // A bare string is the legacy column name (TermReference).
  if (typeof json === 'string') return { kind: 'column', ref: { kind: 'name', name: json } };
  if (!isObject(json)) return bad(`${path} must be a column name or a reference object, got ${show(json)}`);
  switch (json['type']) {
    case 'reference':
      return { kind: 'column', ref: parseRef(json, path) };
    case 'transform': {
      const transform = json['transform'];
      if (typeof transform !== 'string' || transform.length === 0)
        return bad(`${path} (transform) needs a "transform" string such as "day" or "bucket[16]"`);
      if (!('term' in json)) return bad(`${path} (transform) has no "term"`);
      const inner = parseTerm(json['term'], `${path}.term`);
      if (inner.kind !== 'column') return bad(`${path} (transform) must apply to a column`);
      return { kind: 'transform', transform: transform.toLowerCase(), ref: inner.ref };
    }
    case 'apply':
      if (!Array.isArray(json['arguments'])) return bad(`${path} (apply) needs an "arguments" array`);
      return { kind: 'opaque', why: `function ${show(json['function'])}` };
    default:
      return bad(`${path} has unknown term type ${show(json['type'])} (reference, transform or apply)`);
  }
}

function parseRef(json: Record<string, unknown>, path: string): ColumnRef {
  // Java 1.x writes {"type":"reference","term":"col"}; the current spec names it "name", or binds by "id".
  const name = json['name'] ?? json['term'];
  if (typeof name === 'string' && name.length > 0) return { kind: 'name', name };
  const id = json['id'];
  if (typeof id === 'number' && Number.isInteger(id)) return { kind: 'id', id };
  return bad(`${path} (reference) needs a column "name" (or "term") or an integer "id"`);
}

function parseLiteral(json: unknown, path: string): JsonLiteral {
  // Typed literal objects carry the value under "value"; the data-type is the column's anyway after binding.
  const v = isObject(json) && json['type'] === 'literal' ? json['value'] : json;
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return v;
  return bad(`${path} must be a literal (boolean, number or string), got ${show(v)}`);
}

function parseLiterals(json: unknown, path: string): JsonLiteral[] {
  const list = isObject(json) && json['type'] === 'literals' ? json['values'] : json;
  if (!Array.isArray(list)) return bad(`${path} must be an array of literals, got ${show(json)}`);
  return list.map((v, i) => parseLiteral(v, `${path}[${i}]`));
}
