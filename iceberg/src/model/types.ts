/**
 * Iceberg's type system as the spec defines it, read from the JSON form schemas use: primitive types are strings
 * (`"long"`, `"decimal(10, 2)"`, `"fixed[16]"`), nested types objects (`{"type": "struct" | "list" | "map", ...}`).
 * `parseIcebergType` turns that JSON into a tagged value or says why it is not a type any Iceberg reader knows.
 */

/** Primitive types with no parameter, and the format version that introduced each. */
export const SIMPLE_PRIMITIVES: Readonly<Record<string, 1 | 3>> = {
  boolean: 1,
  int: 1,
  long: 1,
  float: 1,
  double: 1,
  date: 1,
  time: 1,
  timestamp: 1,
  timestamptz: 1,
  string: 1,
  uuid: 1,
  binary: 1,
  timestamp_ns: 3,
  timestamptz_ns: 3,
  unknown: 3,
  variant: 3,
};

/** The largest decimal precision Iceberg (and Parquet's 16-byte decimals) can hold. */
export const MAX_DECIMAL_PRECISION = 38;

export type PrimitiveType =
  | { kind: 'primitive'; name: string; since: 1 | 3 }
  | { kind: 'primitive'; name: 'decimal'; precision: number; scale: number; since: 1 }
  | { kind: 'primitive'; name: 'fixed'; length: number; since: 1 }
  | { kind: 'primitive'; name: 'geometry' | 'geography'; since: 3 };

export interface NestedFieldType {
  id: number;
  name: string;
  required: boolean;
  type: IcebergType;
  /** The field's `initial-default` and `write-default` as sent (JSON values; absent or null means none). */
  initialDefault?: unknown;
  writeDefault?: unknown;
}

export type IcebergType =
  | PrimitiveType
  | { kind: 'struct'; fields: NestedFieldType[] }
  | { kind: 'list'; elementId: number; elementRequired: boolean; element: IcebergType }
  | {
      kind: 'map';
      keyId: number;
      keyRequired: true;
      key: IcebergType;
      valueId: number;
      valueRequired: boolean;
      value: IcebergType;
    };

/** A JSON type that is not an Iceberg type; `path` names where (`fields.2.type.element`). */
export class TypeProblem {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
  toString(): string {
    return this.path ? `${this.path}: ${this.message}` : this.message;
  }
}

const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/;
const FIXED = /^fixed\[\s*(\d+)\s*\]$/;
const GEO = /^(geometry|geography)(\(.*\))?$/;

/**
 * Reads one primitive type string; `undefined` with a reason when it is not one.
 *
 * @example parsePrimitiveType('decimal(10, 2)') // { kind: 'primitive', name: 'decimal', precision: 10, scale: 2, since: 1 }
 */
export function parsePrimitiveType(text: string): PrimitiveType | string {
  const simple = SIMPLE_PRIMITIVES[text];
  if (simple !== undefined) return { kind: 'primitive', name: text, since: simple };
  const dec = DECIMAL.exec(text);
  if (dec) {
    const precision = Number(dec[1]);
    const scale = Number(dec[2]);
    if (precision < 1 || precision > MAX_DECIMAL_PRECISION)
      return `decimal precision must be between 1 and ${MAX_DECIMAL_PRECISION}, got ${precision}`;
    if (scale < 0 || scale > precision)
      return `decimal scale must be between 0 and the precision (${precision}), got ${scale}`;
    return { kind: 'primitive', name: 'decimal', precision, scale, since: 1 };
  }
  const fixed = FIXED.exec(text);
  if (fixed) {
    const length = Number(fixed[1]);
    if (length < 1 || !Number.isSafeInteger(length)) return `fixed length must be a positive integer, got ${fixed[1]}`;
    return { kind: 'primitive', name: 'fixed', length, since: 1 };
  }
  const geo = GEO.exec(text);
  if (geo) return { kind: 'primitive', name: geo[1] as 'geometry' | 'geography', since: 3 };
  return `unknown type ${JSON.stringify(text)}`;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * Reads a type in its JSON form, collecting every problem (with its path) instead of stopping at the first, so an
 * error message can list them all. Field ids are read but their uniqueness is checked by the schema validator.
 *
 * @example parseIcebergType({ type: 'list', 'element-id': 3, element: 'int', 'element-required': true }, 'type', problems)
 */
export function parseIcebergType(json: unknown, path: string, problems: TypeProblem[]): IcebergType | undefined {
  if (typeof json === 'string') {
    const p = parsePrimitiveType(json);
    if (typeof p === 'string') {
      problems.push(new TypeProblem(path, p));
      return undefined;
    }
    return p;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    problems.push(new TypeProblem(path, 'a type is a primitive type name or a struct, list or map object'));
    return undefined;
  }
  const t = json as Record<string, unknown>;
  const at = (k: string) => (path ? `${path}.${k}` : k);
  switch (t['type']) {
    case 'struct':
      return parseStruct(t, path, problems);
    case 'list': {
      const element = parseIcebergType(t['element'], at('element'), problems);
      if (!isInt(t['element-id']))
        problems.push(new TypeProblem(at('element-id'), 'a list needs an integer element-id'));
      if (typeof t['element-required'] !== 'boolean')
        problems.push(new TypeProblem(at('element-required'), 'a list needs element-required (true or false)'));
      if (!element || !isInt(t['element-id'])) return undefined;
      return {
        kind: 'list',
        elementId: t['element-id'],
        elementRequired: t['element-required'] === true,
        element,
      };
    }
    case 'map': {
      const key = parseIcebergType(t['key'], at('key'), problems);
      const value = parseIcebergType(t['value'], at('value'), problems);
      if (!isInt(t['key-id'])) problems.push(new TypeProblem(at('key-id'), 'a map needs an integer key-id'));
      if (!isInt(t['value-id'])) problems.push(new TypeProblem(at('value-id'), 'a map needs an integer value-id'));
      if (typeof t['value-required'] !== 'boolean')
        problems.push(new TypeProblem(at('value-required'), 'a map needs value-required (true or false)'));
      if (!key || !value || !isInt(t['key-id']) || !isInt(t['value-id'])) return undefined;
      return {
        kind: 'map',
        keyId: t['key-id'],
        keyRequired: true,
        key,
        valueId: t['value-id'],
        valueRequired: t['value-required'] === true,
        value,
      };
    }
    default:
      problems.push(
        new TypeProblem(at('type'), `unknown nested type ${JSON.stringify(t['type'])} (struct, list or map)`),
      );
      return undefined;
  }
}

function parseStruct(
  t: Record<string, unknown>,
  path: string,
  problems: TypeProblem[],
): IcebergType & { kind: 'struct' } {
  const at = (k: string | number) => (path ? `${path}.${k}` : String(k));
  const fields: NestedFieldType[] = [];
  if (!Array.isArray(t['fields'])) {
    problems.push(new TypeProblem(at('fields'), 'a struct needs a fields array'));
    return { kind: 'struct', fields };
  }
  const names = new Set<string>();
  t['fields'].forEach((raw: unknown, i: number) => {
    const where = at(`fields.${i}`);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(new TypeProblem(where, 'a field is an object with id, name, required and type'));
      return;
    }
    const f = raw as Record<string, unknown>;
    let ok = true;
    if (!isInt(f['id'])) {
      problems.push(new TypeProblem(`${where}.id`, 'a field needs an integer id'));
      ok = false;
    }
    if (typeof f['name'] !== 'string' || f['name'].length === 0) {
      problems.push(new TypeProblem(`${where}.name`, 'a field needs a non-empty name'));
      ok = false;
    } else if (names.has(f['name'])) {
      problems.push(
        new TypeProblem(`${where}.name`, `duplicate field name ${JSON.stringify(f['name'])} in one struct`),
      );
    } else {
      names.add(f['name']);
    }
    if (typeof f['required'] !== 'boolean') {
      problems.push(new TypeProblem(`${where}.required`, 'a field needs required (true or false)'));
      ok = false;
    }
    const type = parseIcebergType(f['type'], `${where}.type`, problems);
    if (ok && type)
      fields.push({
        id: f['id'] as number,
        name: f['name'] as string,
        required: f['required'] as boolean,
        type,
        ...('initial-default' in f ? { initialDefault: f['initial-default'] } : {}),
        ...('write-default' in f ? { writeDefault: f['write-default'] } : {}),
      });
  });
  return { kind: 'struct', fields };
}

/** A short text form of a type for messages: `long`, `decimal(10, 2)`, `list<int>`. */
export function typeText(t: IcebergType): string {
  switch (t.kind) {
    case 'primitive':
      if (t.name === 'decimal' && 'precision' in t) return `decimal(${t.precision}, ${t.scale})`;
      if (t.name === 'fixed' && 'length' in t) return `fixed[${t.length}]`;
      return t.name;
    case 'struct':
      return 'struct';
    case 'list':
      return `list<${typeText(t.element)}>`;
    case 'map':
      return `map<${typeText(t.key)}, ${typeText(t.value)}>`;
  }
}
