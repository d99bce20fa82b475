import { InvalidArgumentError } from '../errors/index.ts';
import { primitiveKind, type IcebergPrimitiveValue } from '../avro/single-value.ts';
import type { JsonLiteral } from './expression.ts';

/**
 * Literal conversion for binding: a JSON literal (the spec's PrimitiveTypeValue forms, plus the numbers older clients
 * send for temporal types) becomes the value form of `single-value.ts` for the column's type, so evaluators compare it
 * with decoded bounds directly. A literal that does not fit is an error rather than a rounded value, because rounding
 * a literal silently changes which rows a predicate selects.
 */

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 63n) - 1n;

const US_PER_DAY = 86_400_000_000n;

const misfit = (type: string, v: JsonLiteral, why: string): never => {
  throw new InvalidArgumentError(`Invalid filter literal ${showLiteral(v)} for type ${type}: ${why}`);
};

const showLiteral = (v: JsonLiteral) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/**
 * An integer literal beyond the range of its `int` or `long` column (an int column compared with 2^40). Unlike other
 * misfits it has a meaning: no value of the column reaches it, and Iceberg's binders (Java's `Literals.aboveMax()`,
 * PyIceberg's `IntAboveMax`) decide the predicate from that instead of refusing the filter, so clients send such
 * filters expecting an answer (see `beyond-range.ts`). A caller that does not decide it still gets a 400.
 */
export class LiteralBeyondRange extends InvalidArgumentError {
  constructor(
    message: string,
    /** Which end of the type's range the literal is past. */
    readonly side: 'above' | 'below',
  ) {
    super(message);
  }
}

/**
 * Converts one literal to the value form of `type` (an Iceberg primitive type string).
 *
 * @example literalFor('decimal(10,2)', '12.5') // 1250n
 * @example literalFor('timestamptz', '2024-01-01T00:00:00+01:00') // 1704063600000000n
 */
export function literalFor(type: string, v: JsonLiteral): IcebergPrimitiveValue {
  const kind = primitiveKind(type);
  switch (kind) {
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      return misfit(type, v, 'expected true or false');
    case 'int':
      return Number(integerIn(type, v, INT_MIN, INT_MAX, true));
    case 'long':
      return integerIn(type, v, LONG_MIN, LONG_MAX, true);
    case 'float':
    case 'double': {
      const n = floating(type, v);
      if (Number.isNaN(n)) return misfit(type, v, 'NaN is not a comparison literal; use is-nan');
      // A float column holds float32 values; Iceberg binds a double literal by narrowing it the same way.
      return kind === 'float' ? Math.fround(n) : n;
    }
    case 'decimal':
      return decimalFor(type, v);
    case 'string':
      if (typeof v !== 'string') return misfit(type, v, 'expected a string');
      return v;
    case 'uuid': {
      if (typeof v !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v))
        return misfit(type, v, 'expected a UUID such as "eb26bdb1-a1d8-4aa6-990e-da940875492c"');
      return v.toLowerCase();
    }
    case 'date':
      if (typeof v === 'string') return dateFor(type, v);
      return Number(integerIn(type, v, INT_MIN, INT_MAX));
    case 'time':
      if (typeof v === 'string') return timeFor(type, v);
      return integerIn(type, v, 0n, US_PER_DAY - 1n);
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      if (typeof v === 'string' && !/^-?\d+$/.test(v)) return timestampFor(type, v);
      return integerIn(type, v, LONG_MIN, LONG_MAX);
    case 'fixed':
    case 'binary': {
      if (typeof v !== 'string' || v.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(v))
        return misfit(type, v, 'expected an even-length hexadecimal string');
      const bytes = new Uint8Array(Buffer.from(v, 'hex'));
      const length = /^fixed\[\s*(\d+)\s*\]$/.exec(type);
      if (length && bytes.length !== Number(length[1]))
        return misfit(type, v, `expected exactly ${length[1]} bytes, got ${bytes.length}`);
      return bytes;
    }
    default:
      return misfit(type, v, 'filters on this type are not supported');
  }
}

/**
 * An integer literal: a JSON number, a bigint (from lossless JSON) or a string of digits. Out of `[min, max]` it is a
 * misfit, or with `beyondRange` (the integer types, whose binders decide such predicates) a {@link LiteralBeyondRange}.
 */
function integerIn(type: string, v: JsonLiteral, min: bigint, max: bigint, beyondRange = false): bigint {
  let n: bigint | undefined;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) n = BigInt(v.trim());
  if (n === undefined) return misfit(type, v, 'expected an integer');
  if (beyondRange && (n < min || n > max))
    throw new LiteralBeyondRange(
      `Invalid filter literal ${showLiteral(v)} for type ${type}: out of range [${min}, ${max}]`,
      n > max ? 'above' : 'below',
    );
  if (n < min || n > max) return misfit(type, v, `out of range [${min}, ${max}]`);
  return n;
}

function floating(type: string, v: JsonLiteral): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === 'NaN') return Number.NaN;
    if (t === 'Infinity' || t === '+Infinity') return Number.POSITIVE_INFINITY;
    if (t === '-Infinity') return Number.NEGATIVE_INFINITY;
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  }
  return misfit(type, v, 'expected a number');
}

/** Decimal literals, at the column's scale; digits beyond it would need rounding, so they are refused. */
function decimalFor(type: string, v: JsonLiteral): bigint {
  const m = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/.exec(type);
  if (!m) return misfit(type, v, 'unreadable decimal type');
  const precision = Number(m[1]);
  const scale = Number(m[2]);
  const text = typeof v === 'string' ? v.trim() : typeof v === 'bigint' ? v.toString() : String(v);
  if (typeof v === 'number' && !Number.isFinite(v)) return misfit(type, v, 'expected a finite decimal');
  const d = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text);
  if (!d || (d[2] === '' && (d[3] ?? '') === '')) return misfit(type, v, 'expected a decimal such as "123.45"');
  const digits = `${d[2]}${d[3] ?? ''}`;
  if (digits.length > 100) return misfit(type, v, 'too many digits');
  // value = digits × 10^(exponent − fraction length); rescale that to 10^-scale.
  const exponent = Number(d[4] ?? 0);
  // Bounded so that "1e999999999" cannot make the multiplication below run for ever.
  if (Math.abs(exponent) > 2 * 38 + 2) return misfit(type, v, 'exponent out of range');
  const shift = scale + exponent - (d[3] ?? '').length;
  let unscaled = BigInt(digits);
  if (shift >= 0) unscaled *= 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    if (unscaled % divisor !== 0n) return misfit(type, v, `more than ${scale} digits after the point`);
    unscaled /= divisor;
  }
  if (unscaled >= 10n ** BigInt(precision)) return misfit(type, v, `more than ${precision} digits`);
  return d[1] === '-' ? -unscaled : unscaled;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian civil date (negative before).
 *
 * @example daysFromCivil(2024, 1, 1) // 19723
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DATE = /^([-+]?\d{4,})-(\d{2})-(\d{2})$/;

function dateFor(type: string, v: string): number {
  const m = DATE.exec(v.trim());
  if (!m) return misfit(type, v, 'expected YYYY-MM-DD');
  return checkedDays(type, v, Number(m[1]), Number(m[2]), Number(m[3]));
}

function checkedDays(type: string, v: string, year: number, month: number, day: number): number {
  const days = daysFromCivil(year, month, day);
  // Round-tripping through Date catches 2024-02-30 and month 13.
  const back = new Date(days * 86_400_000);
  if (back.getUTCMonth() + 1 !== month || back.getUTCDate() !== day) return misfit(type, v, 'no such date');
  return days;
}

/** A fraction of a second as units of 10^-digits seconds; digits beyond that must be zero. */
function fraction(type: string, v: string, text: string | undefined, digits: number): bigint {
  const f = text ?? '';
  if (f.length > digits && !/^0*$/.test(f.slice(digits)))
    return misfit(type, v, `more than ${digits} fractional digits of seconds`);
  return BigInt((f.slice(0, digits) || '0').padEnd(digits, '0'));
}

function timeFor(type: string, v: string): bigint {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(v.trim());
  if (!m) return misfit(type, v, 'expected HH:MM:SS[.ffffff]');
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return misfit(type, v, 'no such time of day');
  return BigInt((h * 60 + min) * 60 + s) * 1_000_000n + fraction(type, v, m[4], 6);
}

const TIMESTAMP =
  /^([-+]?\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[-+]\d{2}:?\d{2})?$/i;

function timestampFor(type: string, v: string): bigint {
  const m = TIMESTAMP.exec(v.trim());
  if (!m) return misfit(type, v, 'expected an ISO-8601 timestamp such as 2007-12-03T10:15:30.123456');
  const withZone = type.startsWith('timestamptz');
  const zone = m[8];
  // A zone on a timestamp without time zone has no single meaning (Iceberg's parser refuses it too), except UTC.
  if (zone && !withZone && !/^(Z|[-+]00:?00)$/i.test(zone))
    return misfit(type, v, 'a timestamp without time zone takes no UTC offset');
  const nanos = type.endsWith('_ns');
  const perSecond = nanos ? 1_000_000_000n : 1_000_000n;
  const [h, min, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return misfit(type, v, 'no such time of day');
  const days = checkedDays(type, v, Number(m[1]), Number(m[2]), Number(m[3]));
  let offsetSeconds = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([-+])(\d{2}):?(\d{2})$/.exec(zone)!;
    offsetSeconds = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 3600 + Number(z[3]) * 60);
  }
  const seconds = BigInt(days) * 86_400n + BigInt(h * 3600 + min * 60 + s - offsetSeconds);
  const value = seconds * perSecond + fraction(type, v, m[7], nanos ? 9 : 6);
  if (value < LONG_MIN || value > LONG_MAX) return misfit(type, v, 'out of range');
  return value;
}
