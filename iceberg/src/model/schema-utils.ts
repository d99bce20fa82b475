import type { SchemaInput, PartitionSpec, SortOrderInput } from './parts.ts';

/**
 * The highest field id used anywhere in a schema, nested types included (struct fields, list `element-id`, map
 * `key-id`/`value-id`). Used to compute `last-column-id` when a client (PyIceberg) omits it.
 *
 * @example highestFieldId({ type: 'struct', fields: [{ id: 1, name: 'a', type: 'long', required: true }] }) // 1
 */
export function highestFieldId(schema: Pick<SchemaInput, 'fields'>): number {
  let max = 0;
  const visit = (type: unknown): void => {
    if (!type || typeof type !== 'object') return;
    const t = type as Record<string, unknown>;
    if (Array.isArray(t['fields'])) {
      for (const f of t['fields'] as Array<Record<string, unknown>>) {
        if (typeof f['id'] === 'number') max = Math.max(max, f['id']);
        visit(f['type']);
      }
    }
    for (const k of ['element-id', 'key-id', 'value-id']) {
      if (typeof t[k] === 'number') max = Math.max(max, t[k] as number);
    }
    visit(t['element']);
    visit(t['key']);
    visit(t['value']);
  };
  visit(schema);
  return max;
}

/** Canonical JSON of a value with object keys sorted, for structural equality of schemas, specs and orders. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
}

/** Same columns and identifier fields, ignoring the schema id: such a schema is reused instead of added again. */
export function sameSchema(a: SchemaInput, b: SchemaInput): boolean {
  return (
    canonical(a.fields) === canonical(b.fields) &&
    canonical(a['identifier-field-ids'] ?? []) === canonical(b['identifier-field-ids'] ?? [])
  );
}

/** Same partition fields, ignoring the spec id. */
export function sameSpec(a: Pick<PartitionSpec, 'fields'>, b: Pick<PartitionSpec, 'fields'>): boolean {
  return canonical(a.fields) === canonical(b.fields);
}

/** Same sort fields, ignoring the order id. */
export function sameSortOrder(a: Pick<SortOrderInput, 'fields'>, b: Pick<SortOrderInput, 'fields'>): boolean {
  return canonical(a.fields) === canonical(b.fields);
}
