import { primitiveKind, type IcebergPrimitiveValue } from '../avro/single-value.ts';

/**
 * The order of values of one Iceberg type, with "cannot tell" as an answer. Pruning decides from orders, so a pair
 * whose order is in doubt must yield `undefined` (and the caller then keeps the file) rather than a guess.
 */

/**
 * Whether a string holds a UTF-16 unit where code-unit order and code-point order can disagree (U+D800 and up).
 *
 * @example hasHighUnits('😀') // true
 */
export function hasHighUnits(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0xd800) return true;
  return false;
}

/** Code-point order (which is UTF-8 byte order, the order Iceberg and Parquet give strings). */
function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const sign = (a: number | bigint | boolean, b: number | bigint | boolean): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Compares two values of `type`; negative, zero or positive, or `undefined` when the order is in doubt: a NaN, a
 * signed zero against the other zero (engines disagree on whether -0.0 < 0.0), two strings whose order depends on
 * whether code points or UTF-16 units are compared (bounds written by either kind of writer), or two different UUIDs
 * (Java's UUID order is signed, byte order unsigned: a bound may follow either).
 *
 * @example compareValues('long', 3n, 4n) // -1
 * @example compareValues('double', Number.NaN, 1) // undefined
 */
export function compareValues(type: string, a: IcebergPrimitiveValue, b: IcebergPrimitiveValue): number | undefined {
  switch (primitiveKind(type)) {
    case 'float':
    case 'double': {
      if (typeof a !== 'number' || typeof b !== 'number') return undefined;
      if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
      if (a === 0 && b === 0) return Object.is(a, b) ? 0 : undefined;
      return sign(a, b);
    }
    case 'string': {
      if (typeof a !== 'string' || typeof b !== 'string') return undefined;
      if (a === b) return 0;
      const byUnits = a < b ? -1 : 1;
      if (!hasHighUnits(a) && !hasHighUnits(b)) return byUnits;
      const byPoints = compareCodePoints(a, b);
      return byPoints === byUnits ? byPoints : undefined;
    }
    case 'uuid':
      return a === b ? 0 : undefined;
    case 'fixed':
    case 'binary':
      if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) return undefined;
      return Buffer.compare(
        Buffer.from(a.buffer, a.byteOffset, a.byteLength),
        Buffer.from(b.buffer, b.byteOffset, b.byteLength),
      );
    default:
      if (a instanceof Uint8Array || b instanceof Uint8Array || typeof a === 'string' || typeof b === 'string')
        return undefined;
      return sign(a, b);
  }
}

/**
 * Whether `value` begins with `prefix`: strings by characters, binary by bytes.
 *
 * @example startsWith('abc', 'ab') // true
 */
export function startsWith(value: IcebergPrimitiveValue, prefix: IcebergPrimitiveValue): boolean {
  if (typeof value === 'string' && typeof prefix === 'string') return value.startsWith(prefix);
  if (value instanceof Uint8Array && prefix instanceof Uint8Array)
    return prefix.length <= value.length && prefix.every((b, i) => value[i] === b);
  return false;
}

/**
 * Whether upper bounds of this type may be truncated prefixes of the real maximum (Iceberg truncates these).
 *
 * @example mayBeTruncated('string') // true
 */
export function mayBeTruncated(type: string): boolean {
  return ['string', 'binary'].includes(primitiveKind(type));
}
