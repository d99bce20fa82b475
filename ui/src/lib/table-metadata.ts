/**
 * The parts of Iceberg table metadata the UI shows, as they arrive from the REST catalog with 64-bit ids kept as
 * exact strings (small ones may still be numbers; compare them with `idText`).
 */
export type Id = number | string;

export interface NestedField {
  id: number;
  name: string;
  required: boolean;
  type: IcebergType;
  doc?: string;
}

export type IcebergType =
  | string
  | { type: 'struct'; fields: NestedField[] }
  | { type: 'list'; 'element-id': number; element: IcebergType; 'element-required': boolean }
  | {
      type: 'map';
      'key-id': number;
      key: IcebergType;
      'value-id': number;
      value: IcebergType;
      'value-required': boolean;
    };

export interface SchemaView {
  'schema-id': number;
  fields: NestedField[];
  'identifier-field-ids'?: number[];
}

export interface SnapshotView {
  'snapshot-id': Id;
  'parent-snapshot-id'?: Id | null;
  'sequence-number'?: Id;
  'timestamp-ms': Id;
  'manifest-list'?: string;
  summary: Record<string, string> & { operation: string };
  'schema-id'?: number;
}

export interface TableMetadataView {
  'format-version': number;
  'table-uuid': string;
  location: string;
  'current-schema-id': number;
  schemas: SchemaView[];
  'default-spec-id': number;
  'partition-specs': Array<{
    'spec-id': number;
    fields: Array<{ name: string; transform: string; 'source-id': number; 'field-id': number }>;
  }>;
  'default-sort-order-id': number;
  'sort-orders': Array<{
    'order-id': number;
    fields: Array<{ transform: string; 'source-id': number; direction: string; 'null-order': string }>;
  }>;
  properties?: Record<string, string>;
  'current-snapshot-id'?: Id | null;
  snapshots?: SnapshotView[];
  refs?: Record<string, { 'snapshot-id': Id; type: string }>;
  'snapshot-log'?: Array<{ 'snapshot-id': Id; 'timestamp-ms': Id }>;
}

/** The current schema (the one `current-schema-id` names). */
/**
 * The table's current snapshot id as text, or undefined for a table without one: the field is absent, null, or -1,
 * which format v1 and v2 writers (Java's among them) use for "no snapshot yet".
 *
 * @example currentSnapshotId({ 'current-snapshot-id': -1, ... }) // undefined
 */
export function currentSnapshotId(md: Pick<TableMetadataView, 'current-snapshot-id'>): string | undefined {
  const id = md['current-snapshot-id'];
  return id == null || String(id) === '-1' ? undefined : String(id);
}

export function currentSchema(md: TableMetadataView): SchemaView | undefined {
  return md.schemas.find((s) => s['schema-id'] === md['current-schema-id']) ?? md.schemas[0];
}

/** What {@link typeText} reads of a type: a table schema's types and a function's parameter types alike. */
export type TypeShape =
  | string
  | { type: 'struct'; fields: Array<{ name: string; type: TypeShape }> }
  | { type: 'list'; element: TypeShape }
  | { type: 'map'; key: TypeShape; value: TypeShape };

/** A type as Iceberg writes it in text: `long`, `list<string>`, `map<string, int>`, `struct<…>`. */
export function typeText(t: TypeShape): string {
  if (typeof t === 'string') return t;
  if (t.type === 'list') return `list<${typeText(t.element)}>`;
  if (t.type === 'map') return `map<${typeText(t.key)}, ${typeText(t.value)}>`;
  return `struct<${t.fields.map((f) => `${f.name}: ${typeText(f.type)}`).join(', ')}>`;
}
