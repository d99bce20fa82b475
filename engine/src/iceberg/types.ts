import { SchemaMismatchError, UnsupportedTypeError } from '../errors/engine-error.ts';

/** A top-level field of an Iceberg schema (primitive types only in this engine). */
export interface IcebergField {
  id: number;
  name: string;
  type: string;
  required: boolean;
  doc?: string;
}

export interface IcebergSchema {
  type: 'struct';
  'schema-id'?: number;
  'identifier-field-ids'?: number[];
  fields: IcebergField[];
}

/**
 * Maps a DuckDB column type to an Iceberg primitive type.
 *
 * @example icebergTypeOf('DECIMAL(10,2)') // 'decimal(10,2)'
 */
export function icebergTypeOf(sqlType: string): string {
  const t = sqlType.trim().toUpperCase();
  const dec = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (dec) return `decimal(${dec[1]},${dec[2]})`;
  switch (t) {
    case 'BOOLEAN':
      return 'boolean';
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'UTINYINT':
    case 'USMALLINT':
      return 'int';
    case 'BIGINT':
    case 'UINTEGER':
      return 'long';
    case 'HUGEINT':
    case 'UBIGINT':
      return 'decimal(38,0)';
    case 'FLOAT':
      return 'float';
    case 'DOUBLE':
      return 'double';
    case 'VARCHAR':
      return 'string';
    case 'DATE':
      return 'date';
    case 'TIME':
      return 'time';
    case 'TIMESTAMP':
    case 'TIMESTAMP_MS':
    case 'TIMESTAMP_S':
    case 'TIMESTAMP_NS':
      return 'timestamp';
    case 'TIMESTAMP WITH TIME ZONE':
      return 'timestamptz';
    case 'UUID':
      return 'uuid';
    case 'BLOB':
      return 'binary';
    default:
      throw new UnsupportedTypeError(sqlType, 'SQL result column');
  }
}

/**
 * Maps an Iceberg primitive type to the DuckDB type used to cast written values and to read files.
 *
 * @example sqlTypeOf('timestamptz') // 'TIMESTAMP WITH TIME ZONE'
 */
export function sqlTypeOf(icebergType: unknown): string {
  if (typeof icebergType !== 'string') throw new UnsupportedTypeError(JSON.stringify(icebergType), 'Iceberg schema');
  const dec = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(icebergType);
  if (dec) return `DECIMAL(${dec[1]},${dec[2]})`;
  if (/^fixed\[\d+\]$/.test(icebergType)) return 'BLOB';
  switch (icebergType) {
    case 'boolean':
      return 'BOOLEAN';
    case 'int':
      return 'INTEGER';
    case 'long':
      return 'BIGINT';
    case 'float':
      return 'FLOAT';
    case 'double':
      return 'DOUBLE';
    case 'string':
      return 'VARCHAR';
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'timestamptz':
      return 'TIMESTAMP WITH TIME ZONE';
    case 'timestamp_ns':
      return 'TIMESTAMP_NS';
    case 'timestamptz_ns':
      return 'TIMESTAMP WITH TIME ZONE';
    case 'uuid':
      return 'UUID';
    case 'binary':
      return 'BLOB';
    default:
      throw new UnsupportedTypeError(icebergType, 'Iceberg schema');
  }
}

/** Whether values of Iceberg type `from` can be written to a column of type `to` (spec's allowed promotions). */
export function canPromote(from: string, to: string): boolean {
  if (from === to) return true;
  if (from === 'int' && to === 'long') return true;
  if (from === 'float' && to === 'double') return true;
  if (from === 'date' && (to === 'timestamp' || to === 'timestamptz')) return false;
  const a = /^decimal\((\d+),(\d+)\)$/.exec(from);
  const b = /^decimal\((\d+),(\d+)\)$/.exec(to);
  if (a && b) return a[2] === b[2] && Number(a[1]) <= Number(b[1]);
  // Narrower integer literals from SQL (e.g. SUM over INTEGER gives HUGEINT → decimal(38,0)) are not silently cut.
  return false;
}

/** Whether a column type may be widened in place by schema evolution (`int`→`long`, `float`→`double`, decimal precision). */
export function canWidenTo(existing: string, incoming: string): boolean {
  return canPromote(existing, incoming);
}

export interface SchemaPlan {
  /** The schema to write with (may be a new schema when evolution added or widened columns). */
  schema: IcebergSchema;
  /** True when `schema` differs from the table's and must be committed with `add-schema`. */
  evolved: boolean;
  /** The SELECT list that casts the source columns to the target schema, in schema order. */
  selectList: string[];
}

const q = (n: string) => `"${n.replace(/"/g, '""')}"`;

/**
 * What a write does when its result's columns differ from the table's (dbt's `on_schema_change` names, plus
 * `replace` for writes that replace the whole table):
 * - `fail`: a new column or an incompatible type is a {@link SchemaMismatchError}; missing columns are NULL.
 * - `append_new_columns`: new columns are added (optional) and types widened where Iceberg allows; missing columns
 *   stay in the table and are NULL in the new rows.
 * - `sync_all_columns`: as `append_new_columns`, and table columns the result no longer has are dropped.
 * - `replace`: the table gets the result's schema; a column keeps its field id when its name and a compatible type
 *   survive, anything else is a new column.
 */
export type SchemaChange = 'fail' | 'append_new_columns' | 'sync_all_columns' | 'replace';

/**
 * Reconciles a query's columns with a table schema under a {@link SchemaChange} policy. `keep` (for
 * `sync_all_columns`) names the columns the table should have when the written rows carry more than the model's
 * result (rewritten history rows of an upsert or SCD2); default: the query's columns.
 *
 * @example planSchema('silver.orders', schema, 3, [{ name: 'id', type: 'BIGINT' }], 'fail')
 */
export function planSchema(
  table: string,
  current: IcebergSchema,
  lastColumnId: number,
  columns: { name: string; type: string }[],
  mode: SchemaChange,
  keep?: string[],
): SchemaPlan {
  if (mode === 'replace') return replaceSchema(current, lastColumnId, columns);
  const evolve = mode !== 'fail';
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  const kept =
    mode === 'sync_all_columns' ? new Set((keep ?? columns.map((c) => c.name)).map((n) => n.toLowerCase())) : null;
  let nextId = lastColumnId;
  let evolved = false;
  const fields: IcebergField[] = [];
  const selectList: string[] = [];
  for (const f of current.fields) {
    const c = byName.get(f.name.toLowerCase());
    if (kept && !kept.has(f.name.toLowerCase())) {
      byName.delete(f.name.toLowerCase());
      evolved = true;
      continue;
    }
    if (!c) {
      if (f.required) throw new SchemaMismatchError(table, f.name, 'is required but missing from the result');
      fields.push(f);
      selectList.push(`CAST(NULL AS ${sqlTypeOf(f.type)}) AS ${q(f.name)}`);
      continue;
    }
    byName.delete(f.name.toLowerCase());
    const incoming = icebergTypeOf(c.type);
    let type = f.type;
    if (!canPromote(incoming, type as string)) {
      if (evolve && canWidenTo(type as string, incoming)) {
        type = incoming;
        evolved = true;
      } else if (!isLosslessCast(incoming, type as string)) {
        throw new SchemaMismatchError(table, f.name, `result type ${incoming} does not fit table type ${String(type)}`);
      }
    }
    fields.push({ ...f, type });
    selectList.push(`CAST(${q(c.name)} AS ${sqlTypeOf(type)}) AS ${q(f.name)}`);
  }
  for (const c of byName.values()) {
    if (kept && !kept.has(c.name.toLowerCase())) continue;
    if (!evolve) throw new SchemaMismatchError(table, c.name, 'is not in the table schema');
    const type = icebergTypeOf(c.type);
    fields.push({ id: ++nextId, name: c.name, type, required: false });
    selectList.push(`CAST(${q(c.name)} AS ${sqlTypeOf(type)}) AS ${q(c.name)}`);
    evolved = true;
  }
  return { schema: { ...current, fields }, evolved, selectList };
}

/** The result's own schema, reusing the field id of a same-named column whose type it can be written as. */
function replaceSchema(
  current: IcebergSchema,
  lastColumnId: number,
  columns: { name: string; type: string }[],
): SchemaPlan {
  const byName = new Map(current.fields.map((f) => [f.name.toLowerCase(), f]));
  let nextId = lastColumnId;
  const fields: IcebergField[] = [];
  const selectList: string[] = [];
  for (const c of columns) {
    const incoming = icebergTypeOf(c.type);
    const old = byName.get(c.name.toLowerCase());
    let field: IcebergField;
    if (old && canPromote(old.type, incoming)) field = { ...old, name: c.name, type: incoming, required: false };
    else if (old && canPromote(incoming, old.type)) field = { ...old, name: c.name, required: false };
    else field = { id: ++nextId, name: c.name, type: incoming, required: false };
    fields.push(field);
    selectList.push(`CAST(${q(c.name)} AS ${sqlTypeOf(field.type)}) AS ${q(c.name)}`);
  }
  const same =
    fields.length === current.fields.length &&
    fields.every((f, i) => {
      const o = current.fields[i];
      return o.id === f.id && o.name === f.name && o.type === f.type && o.required === f.required;
    });
  const { 'identifier-field-ids': ids, ...rest } = current;
  const kept = (ids ?? []).filter((id) => fields.some((f) => f.id === id));
  const schema: IcebergSchema = { ...rest, fields, ...(kept.length ? { 'identifier-field-ids': kept } : {}) };
  return { schema: same ? current : schema, evolved: !same, selectList };
}

/** Casts that never lose information even though they are not Iceberg promotions (e.g. an int literal into a decimal). */
function isLosslessCast(from: string, to: string): boolean {
  if ((from === 'int' || from === 'long') && /^decimal\((\d+),(\d+)\)$/.test(to)) {
    const [, p, s] = /^decimal\((\d+),(\d+)\)$/.exec(to)!;
    return Number(p) - Number(s) >= (from === 'int' ? 10 : 19);
  }
  if (from === 'int' && (to === 'double' || to === 'long')) return true;
  if (from === 'timestamp' && to === 'timestamptz') return false;
  // SQL aggregates widen (SUM(int) → HUGEINT → decimal(38,0)); writing them back into a long column is what the
  // user meant: a value out of range fails the cast at run time instead of being cut silently.
  if (from === 'decimal(38,0)' && to === 'long') return true;
  if (from === 'long' && to === 'int') return false;
  return false;
}

/** A fresh schema (ids 1..n) for a query's columns. */
export function schemaFromColumns(columns: { name: string; type: string }[]): IcebergSchema {
  return {
    type: 'struct',
    'schema-id': 0,
    fields: columns.map((c, i) => ({ id: i + 1, name: c.name, type: icebergTypeOf(c.type), required: false })),
  };
}
