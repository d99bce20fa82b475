import type { ConflictType, ContentKey, MergeBehavior, MergeOutcome } from '../types.ts';

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
  conflict?: { conflictType: ConflictType; key: ContentKey; message: string; kinds?: string[] };
  outcome: MergeOutcome;
  resolution?: { summary: string; stats?: Record<string, number> };
}

/** A resolver's answer for one key changed on both sides (see `MergeResolver` in types.ts). */
export type Resolution<V> =
  | { kind: 'resolved'; value: V; summary: string; stats?: Record<string, number> }
  | { kind: 'conflict'; message: string; kinds?: string[]; stats?: Record<string, number> };

/** A resolution together with the three values it was computed from: it only applies while they still hold. */
export interface ResolvedKey<V> extends ThreeWay<V> {
  resolution: Resolution<V>;
}

export interface MergePlan<V> {
  changes: PlannedChange<V>[];
  details: PlannedKey[];
  conflicts: number;
  /** Resolutions the plan used (their values are in `changes` or their refusals in `details`). */
  consumed: ResolvedKey<V>[];
  /** Keys that needed a resolution but had none computed from the current values (the target or source moved). */
  stale: ContentKey[];
}

/**
 * Decides, for every key the source changed since the merge base, what the target gets. A key the target also changed
 * is a conflict unless both sides made the identical change; `FORCE` takes the source's value, `DROP` keeps the
 * target's. With `resolutions` (keyed by `keyId`), a key changed on both sides takes its resolver's answer when that
 * answer was computed from the same three values; otherwise the key is listed in `stale` and reported as a conflict.
 * Pure: the caller loads the three values per key.
 *
 * @example planMerge([{ key, base: v1, source: v2, target: v1 }], 'NORMAL', new Map(), eq) → changes [{ key, value: v2 }]
 */
export function planMerge<V>(
  keys: ThreeWay<V>[],
  defaultBehavior: MergeBehavior,
  perKey: Map<string, MergeBehavior>,
  equal: (a: V, b: V) => boolean,
  resolutions?: Map<string, ResolvedKey<V>>,
): MergePlan<V> {
  const same = sameBy(equal);
  const plan: MergePlan<V> = { changes: [], details: [], conflicts: 0, consumed: [], stale: [] };
  for (const k of keys) {
    if (same(k.base, k.source)) continue; // the source did not change this key
    const id = k.key.elements.join('\u0000');
    const behavior = perKey.get(id) ?? defaultBehavior;
    const detail: PlannedKey = { key: k.key, mergeBehavior: behavior, outcome: 'TAKEN' };
    plan.details.push(detail);
    if (behavior === 'DROP') {
      detail.outcome = 'KEPT';
      continue;
    }
    if (same(k.source, k.target)) {
      detail.outcome = 'IDENTICAL'; // both sides made the same change already
      continue;
    }
    if (behavior !== 'NORMAL' || same(k.base, k.target)) {
      plan.changes.push({ key: k.key, value: k.source }); // FORCE, or only the source changed it
      continue;
    }
    // Changed on both sides under NORMAL: the resolver's answer if it was computed from these very values.
    const resolvable = needsResolution(k, behavior, equal);
    const r = resolvable ? resolutions?.get(id) : undefined;
    const answer = r && same(r.base, k.base) && same(r.source, k.source) && same(r.target, k.target) ? r : undefined;
    if (resolvable && resolutions && !answer) plan.stale.push(k.key);
    if (answer) plan.consumed.push(answer);
    const stats = answer?.resolution.stats ? { stats: answer.resolution.stats } : {};
    if (answer?.resolution.kind === 'resolved') {
      detail.outcome = 'RESOLVED';
      detail.resolution = { summary: answer.resolution.summary, ...stats };
      plan.changes.push({ key: k.key, value: answer.resolution.value });
      continue;
    }
    plan.conflicts++;
    detail.outcome = 'CONFLICT';
    if (answer?.resolution.kind === 'conflict') {
      detail.resolution = { summary: answer.resolution.message, ...stats };
      const { message, kinds } = answer.resolution;
      detail.conflict = { conflictType: 'VALUE_DIFFERS', key: k.key, message, ...(kinds ? { kinds } : {}) };
    } else {
      detail.conflict = { conflictType: conflictTypeOf(k), key: k.key, message: conflictMessage(k) };
    }
  }
  return plan;
}

/**
 * True for a key a resolver may decide: the same object changed differently on both sides under NORMAL behaviour.
 * Creations and deletions on either side stay plain conflicts (there is nothing to replay onto).
 */
export function needsResolution<V>(k: ThreeWay<V>, behavior: MergeBehavior, equal: (a: V, b: V) => boolean): boolean {
  const same = sameBy(equal);
  if (behavior !== 'NORMAL') return false;
  if (k.base === undefined || k.source === undefined || k.target === undefined) return false;
  return !same(k.base, k.source) && !same(k.base, k.target) && !same(k.source, k.target);
}

function sameBy<V>(equal: (a: V, b: V) => boolean) {
  return (a: V | undefined, b: V | undefined) => (a === undefined || b === undefined ? a === b : equal(a, b));
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
