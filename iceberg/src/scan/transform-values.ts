import { primitiveKind, toSingleValue, type IcebergPrimitiveValue } from '../avro/single-value.ts';
import type { Transform } from '../model/transforms.ts';

/**
 * Partition transforms applied to single values, as the spec defines them: what a writer stored as the partition
 * value of a row. Projection applies them to predicate literals.
 */

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};

/**
 * Civil date (proleptic Gregorian) of a day count from 1970-01-01.
 *
 * @example civilFromDays(19723) // { year: 2024, month: 1, day: 1 }
 */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day };
}

/** Units of a temporal value per day and per hour (date values are already days). */
function perUnit(kind: string): { day: bigint; hour: bigint } {
  return kind.endsWith('_ns')
    ? { day: 86_400_000_000_000n, hour: 3_600_000_000_000n }
    : { day: 86_400_000_000n, hour: 3_600_000_000n };
}

/**
 * A year/month/day/hour transform of a date (days) or timestamp value: years, months, days or hours since 1970, as
 * ints, rounding toward negative infinity as the spec requires. `undefined` for a combination the spec does not have.
 *
 * @example temporalTransform('month', 'date', 31) // 1 (February 1970)
 */
export function temporalTransform(name: string, sourceType: string, v: number | bigint): number | undefined {
  const kind = primitiveKind(sourceType);
  let days: number;
  if (kind === 'date') {
    if (name === 'hour') return undefined;
    days = Number(v);
  } else if (kind.startsWith('timestamp')) {
    const units = perUnit(kind);
    if (name === 'hour') return Number(floorDiv(BigInt(v), units.hour));
    days = Number(floorDiv(BigInt(v), units.day));
  } else {
    return undefined;
  }
  if (name === 'day') return days;
  const { year, month } = civilFromDays(days);
  if (name === 'year') return year - 1970;
  if (name === 'month') return (year - 1970) * 12 + (month - 1);
  return undefined;
}

/**
 * `truncate[W]` of an int, long or decimal (unscaled) value: the largest multiple of W not above it; of a string: its
 * first W code points. `undefined` for other types.
 *
 * @example truncateValue(10, 'int', -1) // -10
 */
export function truncateValue(
  width: number,
  sourceType: string,
  v: IcebergPrimitiveValue,
): IcebergPrimitiveValue | undefined {
  const kind = primitiveKind(sourceType);
  if (kind === 'int' && typeof v === 'number') return v - (((v % width) + width) % width);
  if ((kind === 'long' || kind === 'decimal') && (typeof v === 'bigint' || typeof v === 'number')) {
    const x = BigInt(v);
    const w = BigInt(width);
    return x - (((x % w) + w) % w);
  }
  if (kind === 'string' && typeof v === 'string') return truncateString(v, width);
  return undefined;
}

/**
 * The first `width` code points of a string (a surrogate pair counts as one).
 *
 * @example truncateString('a😀bc', 2) // 'a😀'
 */
export function truncateString(s: string, width: number): string {
  let units = 0;
  for (let points = 0; points < width && units < s.length; points++) {
    const c = s.charCodeAt(units);
    units += c >= 0xd800 && c <= 0xdbff && units + 1 < s.length ? 2 : 1;
  }
  return s.slice(0, units);
}

/**
 * Number of code points of a string.
 *
 * @example codePointLength('a😀') // 2
 */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Murmur3 x86 32-bit hash, seed 0, of a byte string: the hash the spec's bucket transform is defined on.
 *
 * @example murmur3Hash(Buffer.from('iceberg')) // 1210000089
 */
export function murmur3Hash(bytes: Uint8Array): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const mix = (k: number) => Math.imul(rotl(Math.imul(k, c1), 15), c2);
  let h = 0;
  const blocks = bytes.length >> 2;
  for (let i = 0; i < blocks; i++) {
    const o = i * 4;
    const k = bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24);
    h = rotl(h ^ mix(k), 13);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = blocks * 4;
  const rest = bytes.length & 3;
  if (rest > 0) {
    // The last one to three bytes form one little-endian word, mixed like a block but not rotated into h.
    let k = 0;
    for (let i = rest - 1; i >= 0; i--) k = (k << 8) | bytes[tail + i];
    h ^= mix(k);
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));

/** Types whose hash input is the value as an 8-byte little-endian long (ints widen so int and long hash alike). */
const HASHED_AS_LONG = ['int', 'long', 'date', 'time', 'timestamp', 'timestamptz'];

/**
 * The spec's 32-bit bucket hash of a value (Appendix B); `undefined` for a type this module does not hash.
 *
 * @example bucketHash('int', 34) // 2017239379
 */
export function bucketHash(sourceType: string, v: IcebergPrimitiveValue): number | undefined {
  const kind = primitiveKind(sourceType);
  if (HASHED_AS_LONG.includes(kind)) {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(v as number | bigint));
    return murmur3Hash(b);
  }
  if (['decimal', 'string', 'uuid', 'fixed', 'binary'].includes(kind)) return murmur3Hash(toSingleValue(sourceType, v));
  return undefined;
}

/**
 * `bucket[N]` of a value: the hash's non-negative part modulo N.
 *
 * @example bucketValue(100, 'long', 34n) // 79
 */
export function bucketValue(n: number, sourceType: string, v: IcebergPrimitiveValue): number | undefined {
  const h = bucketHash(sourceType, v);
  return h === undefined ? undefined : (h & 0x7fffffff) % n;
}

/**
 * Any supported transform of a value; `undefined` when it is not computed here.
 *
 * @example applyTransform({ name: 'day' }, 'timestamp', 86_400_000_000n) // 1
 */
export function applyTransform(
  t: Transform,
  sourceType: string,
  v: IcebergPrimitiveValue,
): IcebergPrimitiveValue | undefined {
  switch (t.name) {
    case 'identity':
      return v;
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
      return typeof v === 'number' || typeof v === 'bigint' ? temporalTransform(t.name, sourceType, v) : undefined;
    case 'truncate':
      return truncateValue(t.width, sourceType, v);
    case 'bucket':
      return bucketValue(t.width, sourceType, v);
    default:
      return undefined;
  }
}

/**
 * The type of a partition transform's values, as Java's `Transform.getResultType` gives it: `identity`, `truncate[W]`
 * and `void` keep the source type, `day` gives `date`, `year`/`month`/`hour`/`bucket[N]` give `int`.
 */
export function partitionResultType(transform: string, sourceType: string | undefined): string {
  const t = transform.trim().toLowerCase();
  if (t === 'day') return 'date';
  if (t === 'year' || t === 'month' || t === 'hour' || t.startsWith('bucket[')) return 'int';
  if (t === 'identity' || t === 'void' || t.startsWith('truncate[')) {
    if (sourceType === undefined) throw new Error(`the source column of a ${transform} partition field is not known`);
    return sourceType;
  }
  throw new Error(`unsupported partition transform ${transform}`);
}
