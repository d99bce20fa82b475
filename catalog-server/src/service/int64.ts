import type { StoredInt64 } from '../store/types.ts';

/*
 * 64-bit ids in store content (a table's `snapshotId`, a view's `versionId`), kept exact: Iceberg snapshot ids are
 * random 63-bit longs, which a JSON number would round, and Iceberg's own NessieCatalog sets a table's current
 * snapshot from this id — a rounded one names a snapshot that does not exist.
 */

/**
 * The stored form of an exact id (a number, or a bigint as the lossless JSON reader gives ids beyond 2^53).
 *
 * @example storedInt64(3022908050779232769n) // '3022908050779232769'; storedInt64(7n) // 7
 */
export function storedInt64(v: number | bigint): StoredInt64 {
  if (typeof v === 'number') return v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/**
 * The exact value of a stored id, for a writer that emits bigints as JSON numbers (`stringifyJson`).
 *
 * @example exactInt64('3022908050779232769') // 3022908050779232769n
 */
export function exactInt64(v: StoredInt64): number | bigint {
  return typeof v === 'string' ? BigInt(v) : v;
}
