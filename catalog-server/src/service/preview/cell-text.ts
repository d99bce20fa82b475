/**
 * A value read from Parquet (through Arrow) as the text a preview shows for its Iceberg type: integers of any size
 * exactly, timestamps as ISO-8601 with microseconds, dates as `YYYY-MM-DD`, binary as hex. `null` stays null.
 *
 * @example cellText(9007199254740993n, 'long') // '9007199254740993'; cellText(0.002, 'timestamp') // '1970-01-01T00:00:00.000002'
 */
export function cellText(value: unknown, icebergType: unknown): string | null {
  if (value === null || value === undefined) return null;
  const type = typeof icebergType === 'string' ? icebergType : '';
  if ((type === 'timestamp' || type === 'timestamptz') && typeof value === 'number') {
    // Arrow hands out milliseconds as a float; keep the microseconds.
    const ms = Math.floor(value);
    const micros = Math.round((value - ms) * 1000);
    const iso = new Date(ms).toISOString().replace('Z', '');
    return `${iso}${String(micros).padStart(3, '0')}${type === 'timestamptz' ? '+00:00' : ''}`;
  }
  if (type === 'date' && typeof value === 'number') return new Date(value).toISOString().slice(0, 10);
  if (value instanceof Uint8Array) return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('');
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(value, bigints);
  return String(value);
}

function bigints(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
