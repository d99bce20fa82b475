/**
 * Values in the JSON forms of the REST scan planning API, as Apache Iceberg's Java client 1.11 (`SingleValueParser`)
 * reads them: dates, times and timestamps as ISO strings, decimals as strings at their scale, binary and fixed as
 * upper-case hex, and floats and doubles as floating-point literals (`2.0`), which plain JSON writers do not produce.
 */
import { randomBytes } from 'node:crypto';
import { primitiveKind, type IcebergPrimitiveValue } from '../avro/single-value.ts';
import { stringifyJson } from '../json.ts';
import { civilFromDays } from './transform-values.ts';

/**
 * Marks a double's literal inside a JSON string until {@link stringifyScanJson} unquotes it. U+0000 and a random part
 * drawn once per process: a string of the data cannot spell it, as it never leaves the process.
 */
const DOUBLE_MARK = `\u0000rat-double-${randomBytes(12).toString('hex')}:`;
const DOUBLE_OUTPUT = new RegExp(`"\\\\u0000${DOUBLE_MARK.slice(1)}([-+0-9.eE]+)"`, 'g');

/**
 * A double or float value, written by {@link stringifyScanJson} as a floating-point literal (`1.0`, which plain JSON
 * writers give as `1` and Java rejects). Only that writer reads its JSON form.
 */
export class JsonDouble {
  constructor(readonly value: number) {}

  toJSON(): string {
    return DOUBLE_MARK + doubleLiteral(this.value);
  }
}

/**
 * One value in the JSON form of `SingleValueParser` (the spec's `PrimitiveTypeValue`); 64-bit integers as numbers
 * when exact, else as bigint.
 */
export type RestPrimitiveJson = boolean | number | bigint | string | JsonDouble | null;

/**
 * A 64-bit integer for a scan answer: a number when it is exact as one (nearly always), so that the answer is written
 * by the native JSON writer; a bigint otherwise.
 *
 * @example jsonLong(5n) // 5
 */
export function jsonLong(v: number | bigint): number | bigint {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : BigInt(v);
}

const MICROS_PER_DAY = 86_400_000_000n;
const NANOS_PER_DAY = 86_400_000_000_000n;

/**
 * One value of an Iceberg primitive type in the JSON form Java's `SingleValueParser` writes and reads:
 * boolean; int → number; long → bigint; float/double → {@link JsonDouble}; decimal → plain string with the type's
 * scale (`"123.45"`); string; uuid → lower-case canonical string; date → `YYYY-MM-DD`; time → `HH:MM:SS.ssssss`;
 * timestamp → `YYYY-MM-DDTHH:MM:SS.ssssss` (`+00:00` appended for timestamptz), nanosecond types with 9 fraction
 * digits; fixed/binary → upper-case hex. `value` is in the representation of `single-value.ts`.
 */
export function restValue(type: string, value: IcebergPrimitiveValue | null): RestPrimitiveJson {
  if (value === null) return null;
  const kind = primitiveKind(type);
  switch (kind) {
    case 'boolean':
      return Boolean(value);
    case 'int':
      return Number(value);
    case 'long':
      return jsonLong(value as number | bigint);
    case 'float':
    case 'double':
      return doubleJson(Number(value));
    case 'decimal':
      return decimalString(BigInt(value as number | bigint), decimalScale(type));
    case 'string':
      return String(value);
    case 'uuid':
      return String(value).toLowerCase();
    case 'date':
      return isoDate(Number(value));
    case 'time':
      return isoTime(BigInt(value as number | bigint), 6);
    case 'timestamp':
    case 'timestamptz':
      return isoTimestamp(BigInt(value as number | bigint), MICROS_PER_DAY, 6, kind === 'timestamptz');
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return isoTimestamp(BigInt(value as number | bigint), NANOS_PER_DAY, 9, kind === 'timestamptz_ns');
    case 'fixed':
    case 'binary':
      return hex(value as Uint8Array);
    default:
      throw new Error(`no REST JSON form for a value of type ${type}`);
  }
}

/** Java's Jackson writes non-finite doubles as strings; they do not read back as doubles there either. */
function doubleJson(v: number): RestPrimitiveJson {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return new JsonDouble(v);
}

function decimalScale(type: string): number {
  const m = /^decimal\(\s*\d+\s*,\s*(\d+)\s*\)$/.exec(type.trim());
  if (!m) throw new Error(`not a decimal type: ${type}`);
  return Number(m[1]);
}

/** `unscaled × 10^-scale` as plain text, like Java's `BigDecimal.toPlainString` (`-5` at scale 2 → `-0.05`). */
export function decimalString(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(scale + 1, '0');
  const text = `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
  return (negative ? '-' : '') + text;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Days since 1970-01-01 as an ISO-8601 local date, years past 9999 with `+` as Java's `ISO_LOCAL_DATE` writes. */
export function isoDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  const y = year < 0 ? `-${String(-year).padStart(4, '0')}` : year > 9999 ? `+${year}` : String(year).padStart(4, '0');
  return `${y}-${two(month)}-${two(day)}`;
}

function two(n: number | bigint): string {
  return String(n).padStart(2, '0');
}

/** Time of day from units (µs or ns) since midnight, with `digits` fraction digits. */
function isoTime(units: bigint, digits: 6 | 9): string {
  const perSecond = digits === 6 ? 1_000_000n : 1_000_000_000n;
  const seconds = units / perSecond;
  const fraction = units % perSecond;
  const h = seconds / 3600n;
  const m = (seconds / 60n) % 60n;
  const s = seconds % 60n;
  return `${two(h)}:${two(m)}:${two(s)}.${fraction.toString().padStart(digits, '0')}`;
}

function isoTimestamp(units: bigint, perDay: bigint, digits: 6 | 9, utc: boolean): string {
  const days = floorDiv(units, perDay);
  const ofDay = units - days * perDay;
  return `${isoDate(Number(days))}T${isoTime(ofDay, digits)}${utc ? '+00:00' : ''}`;
}

/**
 * The JSON text of a scan answer: every {@link JsonDouble} as a floating-point literal (`1.0`, `-0.0`, `1e+21`),
 * 64-bit integers exact. Answers hold thousands of files, so they are written by the native writer; only an answer
 * with a bigint (an integer beyond 2^53) takes {@link stringifyJson}, whose replacer costs several times as much.
 *
 * @example stringifyScanJson({ v: new JsonDouble(2), n: 9007199254740993n }) // '{"v":2.0,"n":9007199254740993}'
 */
export function stringifyScanJson(value: unknown, indent = 0): string {
  let text: string;
  try {
    text = JSON.stringify(value, undefined, indent > 0 ? indent : undefined) ?? 'null';
  } catch (err) {
    // "Do not know how to serialize a BigInt": the native writer refuses bigints.
    if (!(err instanceof TypeError)) throw err;
    text = stringifyJson(value, indent);
  }
  return text.includes(DOUBLE_MARK.slice(1)) ? text.replace(DOUBLE_OUTPUT, '$1') : text;
}

function doubleLiteral(v: number): string {
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** Bytes as the upper-case hex string Java reads binary, fixed and bound values from. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}
