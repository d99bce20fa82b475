import type { ConflictType, ContentKey, MergeBehavior } from '../types.ts';

/** One key's value on the three sides of a merge (`undefined` = absent). */
export interface ThreeWay<V> {
  key: ContentKey;
  base: V | undefined;
  source: V | undefined;
  target: V | undefined;
}

export interface PlannedChange<V> {
  key: ContentKey;
  /** The value the target gets; `undefined` deletes the key. */
  value: V | undefined;
}

export interface PlannedKey {
  key: ContentKey;
  mergeBehavior: MergeBehavior;
  conflict?: { conflictType: ConflictType; key: ContentKey; message: string };
}

export interface MergePlan<V> {
  changes: PlannedChange<V>[];
  details: PlannedKey[];
  conflicts: number;
}

/**
 * Decides, for every key the source changed since the merge base, what the target gets. A key the target also changed
 * is a conflict unless both sides made the identical change; `FORCE` takes the source's value, `DROP` keeps the
 * target's. Pure: the caller loads the three values per key.
 *
 * @example planMerge([{ key, base: v1, source: v2, target: v1 }], 'NORMAL', new Map(), eq) → changes [{ key, value: v2 }]
 */
export function planMerge<V>(
  keys: ThreeWay<V>[],
  defaultBehavior: MergeBehavior,
  perKey: Map<string, MergeBehavior>,
  equal: (a: V, b: V) => boolean,
): MergePlan<V> {
  const same = (a: V | undefined, b: V | undefined) => (a === undefined || b === undefined ? a === b : equal(a, b));
  const changes: PlannedChange<V>[] = [];
  const details: PlannedKey[] = [];
  let conflicts = 0;
  for (const k of keys) {
    if (same(k.base, k.source)) continue; // the source did not change this key
    const behavior = perKey.get(k.key.elements.join('\u0000')) ?? defaultBehavior;
    const detail: PlannedKey = { key: k.key, mergeBehavior: behavior };
    details.push(detail);
    if (behavior === 'DROP') continue;
    if (same(k.source, k.target)) continue; // both sides made the same change already
    const targetChanged = !same(k.base, k.target);
    if (targetChanged && behavior === 'NORMAL') {
      conflicts++;
      detail.conflict = { conflictType: conflictTypeOf(k), key: k.key, message: conflictMessage(k) };
      continue;
    }
    changes.push({ key: k.key, value: k.source });
  }
  return { changes, details, conflicts };
}

function conflictTypeOf<V>(k: ThreeWay<V>): ConflictType {
  if (k.base === undefined) return 'KEY_EXISTS';
  if (k.target === undefined || k.source === undefined) return 'KEY_DOES_NOT_EXIST';
  return 'VALUE_DIFFERS';
}

function conflictMessage<V>(k: ThreeWay<V>): string {
  const name = k.key.elements.join('.');
  if (k.base === undefined) return `"${name}" was created on both sides with different contents`;
  if (k.target === undefined) return `"${name}" was deleted on the target and changed on the source`;
  if (k.source === undefined) return `"${name}" was deleted on the source and changed on the target`;
  return `"${name}" was changed on both sides`;
}
