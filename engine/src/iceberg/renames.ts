import { SchemaMismatchError } from '../errors/engine-error.ts';
import { canPromote, icebergTypeOf, type IcebergField, type IcebergSchema } from './types.ts';

/**
 * A column a model's result may show under a new name. `explicit`: from the model config `renamed: { old: new }`;
 * otherwise seen in the SQL (`old AS new` in the outermost SELECT list, a bare column reference).
 */
export interface RenameHint {
  from: string;
  to: string;
  explicit: boolean;
}

/** A table column renamed in place: same field id (its data kept), new name. */
export interface ColumnRename {
  id: number;
  from: string;
  to: string;
}

const lower = (s: string) => s.toLowerCase();

/**
 * Which table columns a `sync_all_columns` write renames instead of dropping and adding (Iceberg identifies columns
 * by field id, so a rename keeps the column's data). A hint `old → new` applies when the table has `old` and not
 * `new`, the result has `new` and not `old`, the result's type fits the column, and no other hint names either
 * column. Hints seen in the SQL are skipped when they do not apply (the column really is new); an explicit hint that
 * cannot apply is a {@link SchemaMismatchError}, except once done (the table already has `new` and not `old`).
 *
 * @example decideRenames('silver.orders', schema, [{ name: 'revenue', type: 'DOUBLE' }], [{ from: 'amount', to: 'revenue', explicit: false }]) // [{ id: 3, from: 'amount', to: 'revenue' }]
 */
export function decideRenames(
  table: string,
  schema: IcebergSchema,
  columns: { name: string; type: string }[],
  hints: RenameHint[],
): ColumnRename[] {
  const field = new Map(schema.fields.map((f) => [lower(f.name), f]));
  const result = new Map(columns.map((c) => [lower(c.name), c]));
  // An explicit hint wins over one seen in the SQL for the same old column.
  const byFrom = new Map<string, RenameHint>();
  for (const h of hints) {
    const prev = byFrom.get(lower(h.from));
    if (!prev || (h.explicit && !prev.explicit)) byFrom.set(lower(h.from), h);
  }
  const targets = new Map<string, number>();
  for (const h of byFrom.values()) targets.set(lower(h.to), (targets.get(lower(h.to)) ?? 0) + 1);

  const renames: ColumnRename[] = [];
  for (const h of byFrom.values()) {
    const old = field.get(lower(h.from));
    const done = !old && field.has(lower(h.to));
    const reason = whyNot(h, old, field, result, targets);
    if (reason === undefined) renames.push({ id: old!.id, from: old!.name, to: result.get(lower(h.to))!.name });
    else if (h.explicit && !done)
      throw new SchemaMismatchError(table, h.from, `cannot be renamed to ${h.to}: ${reason}`);
  }
  return renames;
}

function whyNot(
  h: RenameHint,
  old: IcebergField | undefined,
  field: Map<string, IcebergField>,
  result: Map<string, { name: string; type: string }>,
  targets: Map<string, number>,
): string | undefined {
  if (lower(h.from) === lower(h.to)) return 'it is the same name';
  if (!old) return 'the table has no such column';
  if (field.has(lower(h.to))) return `the table already has a column ${h.to}`;
  if (result.has(lower(h.from))) return `the result still has ${h.from}`;
  const c = result.get(lower(h.to));
  if (!c) return `the result has no column ${h.to}`;
  if ((targets.get(lower(h.to)) ?? 0) > 1) return `more than one column would become ${h.to}`;
  const incoming = icebergTypeOf(c.type);
  if (!canPromote(incoming, old.type) && !canPromote(old.type, incoming))
    return `result type ${incoming} does not fit column type ${old.type}`;
  return undefined;
}

/**
 * The schema after `renames` (field ids, types and order unchanged), for an `add-schema` update; identifier fields
 * keep their ids.
 *
 * @example renamedSchema(schema, [{ id: 3, from: 'amount', to: 'revenue' }]).fields[2].name // 'revenue'
 */
export function renamedSchema(schema: IcebergSchema, renames: ColumnRename[]): IcebergSchema {
  const to = new Map(renames.map((r) => [r.id, r.to]));
  return { ...schema, fields: schema.fields.map((f) => (to.has(f.id) ? { ...f, name: to.get(f.id)! } : f)) };
}
