import type { Schema, TableMetadata } from '@ratatouille/iceberg';

/*
 * The columns the data preview and the row diff read and answer with.
 */

/** A column of a schema as the row readers need it: found in a file by id (by name where the file has no ids). */
export interface SchemaField {
  id: number;
  name: string;
  type: unknown;
  required: boolean;
}

/** A column as the preview and the row diff answer it: the type's name for nested types (`struct`, `list`, `map`). */
export interface ColumnInfo {
  id: number;
  name: string;
  type: string;
  required: boolean;
}

/** The table's current schema (its first where the id names none). */
export function currentSchema(md: TableMetadata): Schema {
  return md.schemas.find((s) => s['schema-id'] === md['current-schema-id']) ?? md.schemas[0]!;
}

/** The columns of `fields` as an answer lists them. */
export function columnsOf(fields: SchemaField[]): ColumnInfo[] {
  return fields.map((f) => ({ id: f.id, name: f.name, type: typeName(f.type), required: f.required }));
}

function typeName(t: unknown): string {
  if (typeof t === 'string') return t;
  const o = t as { type?: string };
  return o?.type ?? 'unknown';
}
