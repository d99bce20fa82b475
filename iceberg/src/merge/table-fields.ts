import { canonical } from '../model/schema-utils.ts';
import type { SnapshotRef } from '../model/parts.ts';
import type { TableMetadata } from '../model/table-metadata.ts';

/** Metadata fields that change together and merge as one unit (a schema change moves all three, and so on). */
const GROUPS = {
  schema: ['schemas', 'current-schema-id', 'last-column-id'],
  'partition spec': ['partition-specs', 'default-spec-id', 'last-partition-id'],
  'sort order': ['sort-orders', 'default-sort-order-id'],
  'format version': ['format-version'],
  location: ['location'],
} as const satisfies Record<string, ReadonlyArray<keyof TableMetadata>>;

export interface TableFieldsMerge {
  /** The target's metadata with the source's one-sided changes carried over (snapshots untouched). */
  metadata: TableMetadata;
  /** Why the two sides cannot merge, one reason per field; empty when they can. */
  conflicts: string[];
  /** What came over from the source, for the merge report ("schema", "property owner", ...). */
  carried: string[];
}

/**
 * Three-way merge of everything in a table's metadata except its `main` history: schema, partition spec and sort
 * order each come from the side that changed them (both sides may only make the identical change); properties and
 * the table's own refs (other than `main`) merge key by key, a key set differently on both sides is a conflict.
 *
 * @example mergeTableFields(base, source, target).conflicts // → ['schema changed on both sides']
 */
export function mergeTableFields(base: TableMetadata, source: TableMetadata, target: TableMetadata): TableFieldsMerge {
  const metadata: TableMetadata = { ...target };
  const conflicts: string[] = [];
  const carried: string[] = [];
  for (const [name, fields] of Object.entries(GROUPS)) {
    const pick = (md: TableMetadata) => canonical(fields.map((f) => md[f]));
    const [b, s, t] = [pick(base), pick(source), pick(target)];
    if (s === b || s === t) continue;
    if (t !== b) {
      conflicts.push(`${name} changed differently on both sides`);
      continue;
    }
    for (const f of fields) (metadata as Record<string, unknown>)[f] = source[f];
    carried.push(name);
  }
  const props = mergeByKey(base.properties, source.properties, target.properties, (a, b) => a === b);
  metadata.properties = props.merged;
  conflicts.push(...props.conflicts.map((k) => `property "${k}" set differently on both sides`));
  carried.push(...props.carried.map((k) => `property ${k}`));
  const withoutMain = ({ main: _main, ...rest }: Record<string, SnapshotRef>) => rest;
  const refs = mergeByKey(withoutMain(base.refs), withoutMain(source.refs), withoutMain(target.refs), (a, b) => {
    return canonical(a) === canonical(b);
  });
  metadata.refs = { ...refs.merged, ...(target.refs.main ? { main: target.refs.main } : {}) };
  conflicts.push(...refs.conflicts.map((k) => `table ref "${k}" changed differently on both sides`));
  carried.push(...refs.carried.map((k) => `ref ${k}`));
  return { metadata, conflicts, carried };
}

/**
 * Per-key three-way merge of two maps: a key changed on one side takes that side's value (absent = removed); a key
 * changed on both sides must end up equal.
 *
 * @example mergeByKey({ a: '1' }, { a: '2' }, { a: '1', b: '3' }, eq).merged // → { a: '2', b: '3' }
 */
export function mergeByKey<V>(
  base: Record<string, V>,
  source: Record<string, V>,
  target: Record<string, V>,
  equal: (a: V, b: V) => boolean,
): { merged: Record<string, V>; conflicts: string[]; carried: string[] } {
  const same = (a: V | undefined, b: V | undefined) => (a === undefined || b === undefined ? a === b : equal(a, b));
  const merged: Record<string, V> = { ...target };
  const conflicts: string[] = [];
  const carried: string[] = [];
  for (const key of new Set([...Object.keys(base), ...Object.keys(source)])) {
    const [b, s, t] = [base[key], source[key], target[key]];
    if (same(b, s) || same(s, t)) continue;
    if (!same(b, t)) {
      conflicts.push(key);
      continue;
    }
    if (s === undefined) delete merged[key];
    else merged[key] = s;
    carried.push(key);
  }
  return { merged, conflicts: conflicts.sort(), carried: carried.sort() };
}
