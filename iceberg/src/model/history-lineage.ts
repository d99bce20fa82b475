/**
 * Which frozen history array (a version's snapshots, log entries) a newer array was copied from. A commit's builder
 * copies the cached version's arrays and appends to them, and parsing the result in memory copies them once more;
 * knowing the frozen array a copy started from lets its text be the older text plus the new elements
 * (`metadata-encoding.ts`). Held weakly both ways: remembering a copy never keeps an older version of a table alive.
 */
/**
 * The metadata members that grow with every commit (a snapshot, a snapshot-log and a metadata-log entry each), whose
 * elements successive versions of a table share rather than copy.
 */
export const HISTORY_FIELDS = [
  'snapshots',
  'snapshot-log',
  'metadata-log',
  'statistics',
  'partition-statistics',
] as const;

const sources = new WeakMap<readonly unknown[], WeakRef<readonly unknown[]>>();

/**
 * Records that `copy` was made from `source`: from `source` itself when it is frozen, else from the frozen array
 * `source` was copied from, if any.
 *
 * @example const copy = frozen.slice(); recordCopy(copy, frozen); copy.push(next)
 */
export function recordCopy(copy: readonly unknown[], source: readonly unknown[]): void {
  const origin = Object.isFrozen(source) ? source : sources.get(source)?.deref();
  if (origin) sources.set(copy, new WeakRef(origin));
}

/** The frozen array `array` was copied from, while `array` still begins with all of its elements (the same objects). */
export function frozenPrefixOf(array: readonly unknown[]): readonly unknown[] | undefined {
  const origin = sources.get(array)?.deref();
  if (!origin || origin.length > array.length) return undefined;
  for (let i = 0; i < origin.length; i++) if (array[i] !== origin[i]) return undefined;
  return origin;
}
