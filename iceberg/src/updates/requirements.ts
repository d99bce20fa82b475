import { z } from 'zod';
import { long } from '../model/parts.ts';
import type { TableMetadata } from '../model/table-metadata.ts';
import { RequirementFailedError, UnknownUpdateActionError } from '../errors/index.ts';

/** One zod schema per table requirement type of the REST spec. */
export const tableRequirementSchemas = {
  'assert-create': z.looseObject({ type: z.literal('assert-create') }),
  'assert-table-uuid': z.looseObject({ type: z.literal('assert-table-uuid'), uuid: z.string() }),
  'assert-ref-snapshot-id': z.looseObject({
    type: z.literal('assert-ref-snapshot-id'),
    ref: z.string(),
    'snapshot-id': long.nullish(),
  }),
  'assert-last-assigned-field-id': z.looseObject({
    type: z.literal('assert-last-assigned-field-id'),
    'last-assigned-field-id': z.number().int(),
  }),
  'assert-current-schema-id': z.looseObject({
    type: z.literal('assert-current-schema-id'),
    'current-schema-id': z.number().int(),
  }),
  'assert-last-assigned-partition-id': z.looseObject({
    type: z.literal('assert-last-assigned-partition-id'),
    'last-assigned-partition-id': z.number().int(),
  }),
  'assert-default-spec-id': z.looseObject({
    type: z.literal('assert-default-spec-id'),
    'default-spec-id': z.number().int(),
  }),
  'assert-default-sort-order-id': z.looseObject({
    type: z.literal('assert-default-sort-order-id'),
    'default-sort-order-id': z.number().int(),
  }),
} as const;

export type TableRequirementType = keyof typeof tableRequirementSchemas;
export type TableRequirement = {
  [T in TableRequirementType]: z.output<(typeof tableRequirementSchemas)[T]>;
}[TableRequirementType];
type RequirementOf<T extends TableRequirementType> = Extract<TableRequirement, { type: T }>;

export const TABLE_REQUIREMENT_TYPES = Object.keys(tableRequirementSchemas) as TableRequirementType[];

/** Validates one requirement; an unknown `type` is an `UnknownUpdateActionError`. */
export function parseTableRequirement(raw: unknown): TableRequirement {
  const type = (raw as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !Object.hasOwn(tableRequirementSchemas, type)) {
    throw new UnknownUpdateActionError('requirement', type, TABLE_REQUIREMENT_TYPES);
  }
  return tableRequirementSchemas[type as TableRequirementType].parse(raw) as TableRequirement;
}

/**
 * Messages start with the wording every Iceberg catalog uses ("Requirement failed: current schema changed: expected
 * id 1 != 2"), which Java clients and tools match on; the remedy follows.
 */
function fail(message: string, data: Record<string, unknown>): never {
  throw new RequirementFailedError(`Requirement failed: ${message}. Refresh the table and retry.`, data);
}

function expectEqual(what: string, type: string, expected: unknown, actual: unknown): void {
  if (expected !== actual)
    fail(`${what} changed: expected id ${String(expected)} != ${String(actual)}`, { type, expected, actual });
}

type Check<T extends TableRequirementType> = (md: TableMetadata | undefined, r: RequirementOf<T>) => void;

/**
 * One check per requirement type (the mapped type makes a missing one a compile error). `md` is the table as it is
 * when the commit applies, `undefined` when it does not exist; only `assert-create` holds for a missing table.
 */
export const requirementChecks: { [T in TableRequirementType]: Check<T> } = {
  'assert-create': (md) => {
    if (md) fail('table already exists', { type: 'assert-create' });
  },
  'assert-table-uuid': (md, r) => {
    if (r.uuid !== md?.['table-uuid'])
      fail(`UUID does not match: expected ${r.uuid} != ${String(md?.['table-uuid'])}`, {
        type: r.type,
        expected: r.uuid,
        actual: md?.['table-uuid'],
      });
  },
  'assert-ref-snapshot-id': (md, r) => {
    const ref = md?.refs[r.ref];
    const expected = r['snapshot-id'] ?? null;
    if (expected === null) {
      if (ref) fail(`${ref.type} ${r.ref} was created concurrently`, { type: r.type, ref: r.ref });
      return;
    }
    if (!ref) fail(`branch or tag ${r.ref} is missing, expected ${expected}`, { type: r.type, ref: r.ref });
    if (ref['snapshot-id'] !== expected)
      fail(`${ref.type} ${r.ref} has changed: expected id ${expected} != ${ref['snapshot-id']}`, {
        type: r.type,
        ref: r.ref,
        expected,
        actual: ref['snapshot-id'],
      });
  },
  'assert-last-assigned-field-id': (md, r) =>
    expectEqual('last assigned field id', r.type, r['last-assigned-field-id'], md?.['last-column-id']),
  'assert-current-schema-id': (md, r) =>
    expectEqual('current schema', r.type, r['current-schema-id'], md?.['current-schema-id']),
  'assert-last-assigned-partition-id': (md, r) =>
    expectEqual('last assigned partition id', r.type, r['last-assigned-partition-id'], md?.['last-partition-id']),
  'assert-default-spec-id': (md, r) =>
    expectEqual('default partition spec', r.type, r['default-spec-id'], md?.['default-spec-id']),
  'assert-default-sort-order-id': (md, r) =>
    expectEqual('default sort order', r.type, r['default-sort-order-id'], md?.['default-sort-order-id']),
};

/**
 * Checks every requirement against the table as it is now; throws `RequirementFailedError` on the first that does
 * not hold.
 *
 * @example checkTableRequirements(current, [{ type: 'assert-current-schema-id', 'current-schema-id': 0 }])
 */
export function checkTableRequirements(md: TableMetadata | undefined, requirements: readonly TableRequirement[]): void {
  for (const r of requirements) (requirementChecks[r.type] as Check<TableRequirementType>)(md, r as never);
}
