import { parseIcebergType, typeText, TypeProblem, type IcebergType } from './types.ts';
import { InvalidSchemaError } from '../errors/index.ts';
import { stringifyJson } from '../json.ts';

/**
 * Schema validation as the Iceberg spec defines it, so that the catalog never stores a schema that PyIceberg, Spark or
 * any other reader would fail on: known types, unique field ids, a consistent `last-column-id`, and valid
 * identifier fields.
 */

/** Where a field id sits in a schema, for the checks that depend on its position (identifier fields, partitions). */
export interface IndexedField {
  id: number;
  name: string;
  /** Full dotted name, e.g. `address.zip` or `tags.element`. */
  path: string;
  required: boolean;
  type: IcebergType;
  /** A struct field (not a list element or a map key/value). */
  structField: boolean;
  /** The fields whose types contain this one, outermost first. */
  ancestors: IndexedField[];
  /** A struct field's `initial-default` and `write-default` as sent (absent or null: none). */
  initialDefault?: unknown;
  writeDefault?: unknown;
}

/** The result of reading a schema: every field by id, and every problem found. */
export interface SchemaIndex {
  fields: Map<number, IndexedField>;
  problems: TypeProblem[];
  highestId: number;
}

export interface SchemaCheckOptions {
  /** The table's format version: types added in v3 (`timestamp_ns`, `variant`, ...) are refused below it. */
  formatVersion?: number;
  /**
   * The `last-column-id` the request declares, which must cover every field id of the schema. One below the table's
   * current value is not an error: the table keeps the higher one (ids of dropped columns are never reused).
   */
  lastColumnId?: number | null;
}

/**
 * Reads a schema's JSON into a field index, collecting type problems and duplicate ids.
 *
 * @example indexSchema({ type: 'struct', fields: [{ id: 1, name: 'a', required: true, type: 'int' }] }).fields.get(1)?.path // 'a'
 */
export function indexSchema(schema: unknown): SchemaIndex {
  const problems: TypeProblem[] = [];
  const fields = new Map<number, IndexedField>();
  let highestId = 0;
  const root =
    schema && typeof schema === 'object' && !Array.isArray(schema)
      ? parseIcebergType({ ...(schema as object), type: 'struct' }, '', problems)
      : undefined;
  if (!root) {
    if (problems.length === 0) problems.push(new TypeProblem('', 'a schema is a struct object with fields'));
    return { fields, problems, highestId };
  }
  const add = (f: IndexedField) => {
    if (f.id < 0) problems.push(new TypeProblem(f.path, `field id ${f.id} is negative`));
    const seen = fields.get(f.id);
    if (seen) problems.push(new TypeProblem(f.path, `field id ${f.id} is also used by ${seen.path}`));
    else fields.set(f.id, f);
    highestId = Math.max(highestId, f.id);
  };
  const visit = (type: IcebergType, prefix: string, ancestors: IndexedField[]) => {
    const child = (
      id: number,
      name: string,
      required: boolean,
      t: IcebergType,
      structField: boolean,
      defaults: Pick<IndexedField, 'initialDefault' | 'writeDefault'> = {},
    ) => {
      const f: IndexedField = {
        id,
        name,
        path: prefix ? `${prefix}.${name}` : name,
        required,
        type: t,
        structField,
        ancestors,
        ...defaults,
      };
      add(f);
      visit(t, f.path, [...ancestors, f]);
    };
    if (type.kind === 'struct')
      for (const f of type.fields)
        child(f.id, f.name, f.required, f.type, true, {
          ...('initialDefault' in f ? { initialDefault: f.initialDefault } : {}),
          ...('writeDefault' in f ? { writeDefault: f.writeDefault } : {}),
        });
    if (type.kind === 'list') child(type.elementId, 'element', type.elementRequired, type.element, false);
    if (type.kind === 'map') {
      child(type.keyId, 'key', true, type.key, false);
      child(type.valueId, 'value', type.valueRequired, type.value, false);
    }
  };
  visit(root, '', []);
  return { fields, problems, highestId };
}

/**
 * Every reason a schema is not valid Iceberg (empty when it is).
 *
 * @example schemaProblems({ type: 'struct', fields: [{ id: 1, name: 'a', required: true, type: 'decimal(40, 2)' }] })
 * // ['fields.0.type: decimal precision must be between 1 and 38, got 40']
 */
export function schemaProblems(schema: unknown, opts: SchemaCheckOptions = {}): string[] {
  const index = indexSchema(schema);
  const problems = index.problems.map(String);
  const formatVersion = opts.formatVersion;
  for (const f of index.fields.values()) {
    if (formatVersion !== undefined) problems.push(...defaultValueProblems(f, formatVersion));
    if (f.type.kind !== 'primitive') continue;
    if (formatVersion !== undefined && f.type.since > formatVersion) {
      problems.push(
        `${f.path}: type ${typeText(f.type)} needs format version ${f.type.since} (the table has ${formatVersion})`,
      );
    }
    // The spec: a field of type unknown is always null, so it must be optional.
    if (f.type.name === 'unknown' && f.required) problems.push(`${f.path}: a field of type unknown must be optional`);
  }
  const declared = opts.lastColumnId;
  if (declared !== undefined && declared !== null) {
    if (declared < index.highestId)
      problems.push(`last-column-id ${declared} is below the highest field id in the schema (${index.highestId})`);
  }
  const ids = (schema as { 'identifier-field-ids'?: unknown } | null)?.['identifier-field-ids'];
  if (Array.isArray(ids)) for (const id of ids) problems.push(...identifierFieldProblems(id, index));
  return problems;
}

/** Format version 3 added default values for columns (spec, "Version 3"); older tables have no default but null. */
const DEFAULT_VALUES_SINCE = 3;

/**
 * A non-null `initial-default` or `write-default` below format version 3: readers of older versions ignore defaults
 * and would read nulls where the table promises a value. Java refuses the initial default the same way ("non-null
 * default (5) is not supported until v3"); the spec makes both defaults a v3 feature.
 */
function defaultValueProblems(f: IndexedField, formatVersion: number): string[] {
  if (formatVersion >= DEFAULT_VALUES_SINCE) return [];
  const problems: string[] = [];
  for (const [key, value] of [
    ['initial-default', f.initialDefault],
    ['write-default', f.writeDefault],
  ] as const) {
    if (value !== undefined && value !== null)
      problems.push(
        `${f.path}: a non-null ${key} (${stringifyJson(value)}) needs format version ${DEFAULT_VALUES_SINCE} (the table has ${formatVersion})`,
      );
  }
  return problems;
}

/** Types whose values have no exact equality, so rows cannot be identified by them. */
const NOT_IDENTIFIER_TYPES = new Set(['float', 'double', 'variant', 'unknown']);

function identifierFieldProblems(id: unknown, index: SchemaIndex): string[] {
  const f = typeof id === 'number' ? index.fields.get(id) : undefined;
  const label = `identifier field ${JSON.stringify(id)}`;
  if (!f || !f.structField) return [`${label} is not a field of the schema`];
  const problems: string[] = [];
  if (f.type.kind !== 'primitive')
    problems.push(`${label} (${f.path}) must be a primitive type, not ${typeText(f.type)}`);
  else if (NOT_IDENTIFIER_TYPES.has(f.type.name))
    problems.push(`${label} (${f.path}) cannot be of type ${typeText(f.type)}`);
  if (!f.required) problems.push(`${label} (${f.path}) must be required`);
  for (const a of f.ancestors) {
    if (a.type.kind !== 'struct')
      problems.push(`${label} (${f.path}) must not be nested in a ${a.type.kind} (${a.path})`);
    else if (!a.required) problems.push(`${label} (${f.path}) must not be nested in an optional field (${a.path})`);
  }
  return problems;
}

/**
 * Throws `InvalidSchemaError` listing every problem of the schema.
 *
 * @example assertValidSchema(req.schema, { formatVersion: 2 })
 */
export function assertValidSchema(schema: unknown, opts: SchemaCheckOptions = {}): void {
  const problems = schemaProblems(schema, opts);
  if (problems.length > 0) throw new InvalidSchemaError('schema', problems);
}
