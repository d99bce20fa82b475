import type { TableMetadata } from '../model/table-metadata.ts';
import type { ViewMetadata } from '../model/view-metadata.ts';

/**
 * True when a commit's result records nothing its base did not: every update was a no-op (removing a ref that does
 * not exist, upgrading to the current format version, setting a property to its value, an empty update list). Java's
 * metadata builders record no change for these and its catalog then writes no new version; so does this one, since a
 * new metadata file and catalog commit would only add noise to the history (and a needless conflict for others).
 * `last-updated-ms`, which every new version sets, is not compared.
 *
 * The appliers share every unchanged element with the base (`table-builder.ts`), so unchanged history is matched by
 * reference and this costs one comparison per top-level element, not a walk of the table's history.
 *
 * @example sameTableMetadata(base, applyTableCommit(base, [], [{ action: 'remove-snapshot-ref', 'ref-name': 'gone' }], { now })) // true
 */
export function sameTableMetadata(base: TableMetadata, updated: TableMetadata): boolean {
  return sameValue({ ...base, 'last-updated-ms': 0 }, { ...updated, 'last-updated-ms': 0 });
}

/** The view counterpart of {@link sameTableMetadata}. */
export function sameViewMetadata(base: ViewMetadata, updated: ViewMetadata): boolean {
  return sameValue(base, updated);
}

/** Equality of JSON-like values; a key whose value is `undefined` counts as absent, as it does once written. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x).filter((k) => x[k] !== undefined);
  if (keys.length !== Object.keys(y).filter((k) => y[k] !== undefined).length) return false;
  return keys.every((k) => Object.hasOwn(y, k) && sameValue(x[k], y[k]));
}
