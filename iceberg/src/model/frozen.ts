/**
 * Freezes `value` and everything reachable from it, stopping at objects that are already frozen: their contents were
 * frozen with them. So freezing a new version of a table's metadata, which shares its history (snapshots, log entries)
 * with the frozen version before it, costs only what the new version added. Typed arrays, which cannot be frozen, are
 * left as they are (metadata holds none).
 *
 * @example const md = deepFreeze(parseTableMetadata(json)); md.snapshots.push(s) // throws: the cached copy is shared
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  for (const member of Object.values(value)) deepFreeze(member);
  return value;
}
