const DECIMAL = /^decimal\(\s*\d+\s*,\s*(\d+)\s*\)$/;

/**
 * A value read from Parquet (through Arrow) as the text a preview shows for its Iceberg type: integers of any size
 * exactly, decimals exactly at their scale (`12.50`), timestamps as ISO-8601 with microseconds, dates as
 * `YYYY-MM-DD`, times as `HH:MM:SS.ffffff`, UUIDs in their dashed form, other binary as hex. `null` stays null.
 *
 * @example cellText(9007199254740993n, 'long') // '9007199254740993'; cellText(0.002, 'timestamp') // '1970-01-01T00:00:00.000002'
 */
export function cellText(value: unknown, icebergType: unknown): string | null {
  if (value === null || value === undefined) return null;
  const type = typeof icebergType === 'string' ? icebergType : '';
  const decimal = DECIMAL.exec(type);
  if (decimal) {
    const unscaled = unscaledOf(value);
    if (unscaled !== undefined) return scaledText(unscaled, Number(decimal[1]));
  }
  if ((type === 'timestamp' || type === 'timestamptz') && typeof value === 'number') {
    // Arrow hands out milliseconds as a float; keep the microseconds.
    const ms = Math.floor(value);
    const micros = Math.round((value - ms) * 1000);
    const iso = new Date(ms).toISOString().replace('Z', '');
    return `${iso}${String(micros).padStart(3, '0')}${type === 'timestamptz' ? '+00:00' : ''}`;
  }
  if (type === 'date' && typeof value === 'number') return new Date(value).toISOString().slice(0, 10);
  if (type === 'time' && (typeof value === 'bigint' || typeof value === 'number')) return timeText(BigInt(value));
  if (type === 'uuid' && value instanceof Uint8Array && value.length === 16) {
    const hex = Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  if (value instanceof Uint8Array) return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('');
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(value, bigints);
  return String(value);
}

function bigints(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/**
 * A decimal's unscaled integer: Arrow hands out a Decimal128 as four little-endian 32-bit words of a two's complement
 * number (its own text for them is the unscaled integer, quoted twice by its `toJSON`), narrower decimals as integers.
 */
function unscaledOf(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (!(value instanceof Uint32Array || value instanceof Int32Array) || value.length === 0) return undefined;
  const words = new Uint32Array(value.buffer, value.byteOffset, value.length);
  let n = 0n;
  for (let i = words.length - 1; i >= 0; i--) n = (n << 32n) | BigInt(words[i]!);
  if (words[words.length - 1]! & 0x80000000) n -= 1n << BigInt(words.length * 32);
  return n;
}

/** @example scaledText(-5n, 2) // '-0.05' */
function scaledText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** A time of day from its microseconds since midnight (Iceberg's `time`). @example timeText(45296789012n) // '12:34:56.789012' */
function timeText(micros: bigint): string {
  const two = (n: bigint) => String(n).padStart(2, '0');
  const seconds = micros / 1_000_000n;
  const fraction = String(micros % 1_000_000n).padStart(6, '0');
  return `${two(seconds / 3600n)}:${two((seconds / 60n) % 60n)}:${two(seconds % 60n)}.${fraction}`;
}
