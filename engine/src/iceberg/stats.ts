import { primitiveKind, type IcebergPrimitiveValue } from '@ratatouille/iceberg';

const DAY_MS = 86_400_000;

function parseDateDays(s: string): number {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

function parseMicros(s: string): bigint {
  // "YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]"
  const m =
    /^(-?\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([+-])(\d{2})(?::?(\d{2}))?)?$/.exec(
      s.trim(),
    );
  if (!m) throw new Error(`Unparseable timestamp ${s}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const frac = (m[7] ?? '').padEnd(6, '0').slice(0, 6);
  let micros = BigInt(ms) * 1000n + BigInt(frac || '0');
  if (m[8]) {
    const off = (Number(m[9]) * 60 + Number(m[10] ?? 0)) * 60_000_000;
    micros += m[8] === '+' ? -BigInt(off) : BigInt(off);
  }
  return micros;
}

function parseTimeMicros(s: string): bigint {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/.exec(s);
  if (!m) throw new Error(`Unparseable time ${s}`);
  const secs = BigInt(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]));
  return secs * 1_000_000n + BigInt((m[4] ?? '').padEnd(6, '0') || '0');
}

function parseDecimalUnscaled(s: string, scale: number): bigint {
  const neg = s.startsWith('-');
  const [i, f = ''] = (neg ? s.slice(1) : s).split('.');
  const v = BigInt((i || '0') + f.padEnd(scale, '0').slice(0, scale));
  return neg ? -v : v;
}

/**
 * Parses a value rendered as text by DuckDB (Parquet statistics, hive partition keys) into the JS form of
 * Iceberg's single-value encoding. Returns `undefined` when the value cannot serve as a bound.
 *
 * @example parseSqlText('date', '2024-01-02') // 19724
 */
export function parseSqlText(type: string, text: string): IcebergPrimitiveValue | undefined {
  switch (primitiveKind(type)) {
    case 'boolean':
      return text === 'true' || text === '1';
    case 'int':
      return Number(text);
    case 'long':
      return BigInt(text);
    case 'float':
    case 'double': {
      const n = Number(text);
      return Number.isNaN(n) ? undefined : n;
    }
    case 'decimal': {
      const scale = Number(/,\s*(\d+)\)/.exec(type)?.[1] ?? 0);
      return parseDecimalUnscaled(text, scale);
    }
    case 'date':
      return parseDateDays(text);
    case 'time':
      return parseTimeMicros(text);
    case 'timestamp':
    case 'timestamptz':
      return parseMicros(text);
    case 'string':
      return text;
    case 'uuid':
      return text;
    default:
      return undefined;
  }
}
