import type { PartitionSpec, PartitionSpecInput, SchemaInput, SortOrder, SortOrderInput } from './parts.ts';
import { PARTITION_DATA_ID_START } from './table-metadata.ts';
import { InvalidSchemaError } from '../errors/index.ts';

/**
 * Field ids for a new table are the catalog's to assign, not the client's: a create request may carry any ids (a
 * schema copied from another table, ids 3 and 4), and a new table starts at 1. Every Iceberg implementation numbers
 * them the same way, so the same create gives the same ids whichever catalog runs it: a struct's own fields first, in
 * order, then the fields nested in each of them; a list's element and a map's key and value take their ids before
 * their own nested types. Partition specs and sort orders are rewritten to the new source ids.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The result of renumbering a schema: the new schema, its highest id and old id → new id. */
export interface FreshSchema {
  schema: SchemaInput;
  lastColumnId: number;
  ids: Map<number, number>;
}

/**
 * Renumbers every field id of `schema` from 1 (nested fields included), keeping names, types, docs and defaults.
 * Identifier field ids follow.
 *
 * @example assignFreshIds({ type: 'struct', fields: [{ id: 3, name: 'a', type: 'long', required: true }] }).schema.fields[0].id // 1
 */
export function assignFreshIds(schema: SchemaInput): FreshSchema {
  let last = 0;
  const ids = new Map<number, number>();
  const next = (old: unknown): number => {
    last += 1;
    if (typeof old === 'number') ids.set(old, last);
    return last;
  };
  const freshType = (type: unknown): unknown => {
    if (!isObject(type)) return type;
    if (type['type'] === 'struct' && Array.isArray(type['fields'])) {
      const fields = type['fields'] as Json[];
      const newIds = fields.map((f) => next(f['id']));
      return { ...type, fields: fields.map((f, i) => ({ ...f, id: newIds[i], type: freshType(f['type']) })) };
    }
    if (type['type'] === 'list') {
      const elementId = next(type['element-id']);
      return { ...type, 'element-id': elementId, element: freshType(type['element']) };
    }
    if (type['type'] === 'map') {
      const keyId = next(type['key-id']);
      const valueId = next(type['value-id']);
      return {
        ...type,
        'key-id': keyId,
        'value-id': valueId,
        key: freshType(type['key']),
        value: freshType(type['value']),
      };
    }
    return type;
  };
  const root = freshType({ type: 'struct', fields: schema.fields }) as { fields: SchemaInput['fields'] };
  const out: SchemaInput = { ...schema, fields: root.fields };
  if (schema['identifier-field-ids']) {
    out['identifier-field-ids'] = schema['identifier-field-ids'].map((id) => mapped(ids, id, 'identifier field'));
  }
  return { schema: out, lastColumnId: last, ids };
}

/** A reference to a field the new table's schema lacks is an invalid schema, as the validators report it. */
function mapped(ids: Map<number, number>, id: number, what: string): number {
  const to = ids.get(id);
  if (to === undefined) {
    throw new InvalidSchemaError('table definition', [
      `the ${what} refers to field id ${id}, which the schema does not have`,
    ]);
  }
  return to;
}

/**
 * A new table's partition spec: id 0, source ids moved to the fresh schema's, partition field ids from 1000 in
 * order (the client's are dropped, as for any new table).
 *
 * @example freshSpec({ fields: [{ 'source-id': 3, name: 'a_bucket', transform: 'bucket[4]' }] }, ids) // fields[0]['field-id'] === 1000
 */
export function freshSpec(spec: PartitionSpecInput | null | undefined, ids: Map<number, number>): PartitionSpec {
  const fields = (spec?.fields ?? []).map((f, i) => ({
    ...f,
    'source-id': mapped(ids, f['source-id'], `partition field "${f.name}"`),
    'field-id': PARTITION_DATA_ID_START + i,
  }));
  return { ...(spec ?? {}), 'spec-id': 0, fields };
}

/**
 * A new table's sort order: source ids moved to the fresh schema's; id 0 when unsorted, else 1.
 *
 * @example freshSortOrder({ fields: [] }, ids)['order-id'] // 0
 */
export function freshSortOrder(order: SortOrderInput | null | undefined, ids: Map<number, number>): SortOrder {
  const fields = (order?.fields ?? []).map((f) => ({ ...f, 'source-id': mapped(ids, f['source-id'], 'sort field') }));
  return { ...(order ?? {}), 'order-id': fields.length === 0 ? 0 : 1, fields };
}
