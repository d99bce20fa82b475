import type { IcebergSchema } from './types.ts';

/**
 * What a model says about its table (dbt's `description` and column descriptions, with `persist_docs` always on):
 * written into the table itself, where every client reads it — the table's `comment` property (Spark's and Trino's
 * table comment) and each column's `doc` (their column comment).
 */
export interface TableDocs {
  description?: string;
  /** Column name (as in the table, case-insensitive) → its description. */
  columns: Record<string, string>;
}

/**
 * The schema with the documented columns' `doc` set, or undefined when every one already reads so. Only the
 * columns the model describes change; a described column the table lacks is left alone (a model may describe a
 * column before it adds it). Pure.
 *
 * @example documentedSchema(schema, { order_id: 'One row per order' }) // → schema with fields[0].doc set
 */
export function documentedSchema(schema: IcebergSchema, columns: Record<string, string>): IcebergSchema | undefined {
  const docs = new Map(Object.entries(columns).map(([name, doc]) => [name.toLowerCase(), doc]));
  let changed = false;
  const fields = schema.fields.map((f) => {
    const doc = docs.get(f.name.toLowerCase());
    if (doc === undefined || f.doc === doc) return f;
    changed = true;
    return { ...f, doc };
  });
  return changed ? { ...schema, fields } : undefined;
}
