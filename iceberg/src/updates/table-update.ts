import { z } from 'zod';
import {
  encryptedKey,
  long,
  partitionSpec,
  partitionStatisticsFile,
  properties,
  schema,
  snapshot,
  snapshotRef,
  sortOrder,
  statisticsFile,
} from '../model/parts.ts';
import { UnknownUpdateActionError } from '../errors/index.ts';

/** One zod schema per table update action of the REST spec, keyed by `action`. */
export const tableUpdateSchemas = {
  'assign-uuid': z.looseObject({ action: z.literal('assign-uuid'), uuid: z.string() }),
  'upgrade-format-version': z.looseObject({
    action: z.literal('upgrade-format-version'),
    'format-version': z.number().int(),
  }),
  'add-schema': z.looseObject({
    action: z.literal('add-schema'),
    schema,
    // Deprecated in the spec and omitted by PyIceberg: computed from the schema when absent.
    'last-column-id': z.number().int().nullish(),
  }),
  'set-current-schema': z.looseObject({ action: z.literal('set-current-schema'), 'schema-id': z.number().int() }),
  'add-spec': z.looseObject({ action: z.literal('add-spec'), spec: partitionSpec }),
  'set-default-spec': z.looseObject({ action: z.literal('set-default-spec'), 'spec-id': z.number().int() }),
  'add-sort-order': z.looseObject({ action: z.literal('add-sort-order'), 'sort-order': sortOrder }),
  'set-default-sort-order': z.looseObject({
    action: z.literal('set-default-sort-order'),
    'sort-order-id': z.number().int(),
  }),
  'add-snapshot': z.looseObject({ action: z.literal('add-snapshot'), snapshot }),
  'set-snapshot-ref': snapshotRef.extend({ action: z.literal('set-snapshot-ref'), 'ref-name': z.string().min(1) }),
  'remove-snapshots': z.looseObject({ action: z.literal('remove-snapshots'), 'snapshot-ids': z.array(long) }),
  'remove-snapshot-ref': z.looseObject({ action: z.literal('remove-snapshot-ref'), 'ref-name': z.string() }),
  'set-location': z.looseObject({ action: z.literal('set-location'), location: z.string().min(1) }),
  'set-properties': z.looseObject({ action: z.literal('set-properties'), updates: properties }),
  'remove-properties': z.looseObject({ action: z.literal('remove-properties'), removals: z.array(z.string()) }),
  'set-statistics': z.looseObject({
    action: z.literal('set-statistics'),
    'snapshot-id': long.nullish(),
    statistics: statisticsFile,
  }),
  'remove-statistics': z.looseObject({ action: z.literal('remove-statistics'), 'snapshot-id': long }),
  'set-partition-statistics': z.looseObject({
    action: z.literal('set-partition-statistics'),
    'partition-statistics': partitionStatisticsFile,
  }),
  'remove-partition-statistics': z.looseObject({
    action: z.literal('remove-partition-statistics'),
    'snapshot-id': long,
  }),
  'remove-partition-specs': z.looseObject({
    action: z.literal('remove-partition-specs'),
    'spec-ids': z.array(z.number().int()),
  }),
  'remove-schemas': z.looseObject({ action: z.literal('remove-schemas'), 'schema-ids': z.array(z.number().int()) }),
  'add-encryption-key': z.looseObject({ action: z.literal('add-encryption-key'), 'encryption-key': encryptedKey }),
  'remove-encryption-key': z.looseObject({ action: z.literal('remove-encryption-key'), 'key-id': z.string() }),
} as const;

export type TableUpdateAction = keyof typeof tableUpdateSchemas;
export type TableUpdate = { [A in TableUpdateAction]: z.output<(typeof tableUpdateSchemas)[A]> }[TableUpdateAction];
export type TableUpdateOf<A extends TableUpdateAction> = Extract<TableUpdate, { action: A }>;

export const TABLE_UPDATE_ACTIONS = Object.keys(tableUpdateSchemas) as TableUpdateAction[];

/** Accepts any object with an `action`; the action itself is checked by `parseTableUpdate` with a named error. */
export const rawUpdate = z.looseObject({ action: z.string() });

/**
 * Validates one update: an unknown `action` is an `UnknownUpdateActionError` (never silently ignored), a known action
 * with wrong fields is a zod error naming the field.
 *
 * @example parseTableUpdate({ action: 'set-properties', updates: { a: '1' } })
 */
export function parseTableUpdate(raw: unknown): TableUpdate {
  const action = (raw as { action?: unknown } | null)?.action;
  if (typeof action !== 'string' || !Object.hasOwn(tableUpdateSchemas, action)) {
    throw new UnknownUpdateActionError('update', action, TABLE_UPDATE_ACTIONS);
  }
  return tableUpdateSchemas[action as TableUpdateAction].parse(raw) as TableUpdate;
}
