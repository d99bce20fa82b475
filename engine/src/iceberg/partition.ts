import { InvalidPartitionError } from '../errors/engine-error.ts';
import type { IcebergSchema } from './types.ts';

export interface PartitionFieldSpec {
  'source-id': number;
  'field-id': number;
  name: string;
  transform: string;
}

const q = (n: string) => `"${n.replace(/"/g, '""')}"`;

/**
 * Parses a `partition_by` expression (`region`, `day(order_ts)`, `bucket(16, id)`, `truncate(4, name)`) into a
 * partition field of the spec, given the schema.
 *
 * @example toPartitionField('day(ts)', schema, 1000) // { 'source-id': 3, 'field-id': 1000, name: 'ts_day', transform: 'day' }
 */
export function toPartitionField(expr: string, schema: IcebergSchema, fieldId: number): PartitionFieldSpec {
  const m =
    /^\s*(?:(identity|year|month|day|hour|bucket|truncate)\s*\(\s*(?:(\d+)\s*,\s*)?([^()]+?)\s*\)|([^()\s]+))\s*$/i.exec(
      expr,
    );
  if (!m)
    throw new InvalidPartitionError(expr, 'expected col, year|month|day|hour(col), bucket(N, col) or truncate(W, col)');
  const fn = (m[1] ?? 'identity').toLowerCase();
  const col = (m[3] ?? m[4]).replace(/^"|"$/g, '');
  const field = schema.fields.find((f) => f.name.toLowerCase() === col.toLowerCase());
  if (!field) throw new InvalidPartitionError(expr, `no column ${col}`);
  if ((fn === 'bucket' || fn === 'truncate') && !m[2]) throw new InvalidPartitionError(expr, `${fn} needs a width`);
  const transform = fn === 'bucket' || fn === 'truncate' ? `${fn}[${m[2]}]` : fn;
  const suffix = fn === 'identity' ? '' : fn === 'truncate' ? '_trunc' : `_${fn}`;
  return { 'source-id': field.id, 'field-id': fieldId, name: `${field.name}${suffix}`, transform };
}

/** The Iceberg type of a transform's result. */
export function partitionResultType(transform: string, sourceType: string): string {
  if (transform === 'identity' || transform.startsWith('truncate')) return sourceType;
  return 'int';
}

const M32 = 4294967295;
/** DuckDB macros computing Iceberg's bucket hash (32-bit Murmur3 of the value as an 8-byte little-endian long). */
export const BUCKET_MACROS = [
  `CREATE OR REPLACE MACRO __rat_rotl(x, r) AS (((x << r) | (x >> (32 - r))) & ${M32}::UBIGINT)`,
  `CREATE OR REPLACE MACRO __rat_mixk(k) AS ((__rat_rotl((k * 3432918353::UBIGINT) & ${M32}::UBIGINT, 15) * 461845907::UBIGINT) & ${M32}::UBIGINT)`,
  `CREATE OR REPLACE MACRO __rat_mixh(h, k) AS ((__rat_rotl(xor(h, __rat_mixk(k)), 13) * 5::UBIGINT + 3864292196::UBIGINT) & ${M32}::UBIGINT)`,
  `CREATE OR REPLACE MACRO __rat_fmix3(h) AS (xor(h, h >> 16))`,
  `CREATE OR REPLACE MACRO __rat_fmix2(h) AS (__rat_fmix3((xor(h, h >> 13) * 3266489909::UBIGINT) & ${M32}::UBIGINT))`,
  `CREATE OR REPLACE MACRO __rat_fmix(h) AS (__rat_fmix2((xor(h, h >> 16) * 2246822507::UBIGINT) & ${M32}::UBIGINT))`,
  `CREATE OR REPLACE MACRO __rat_hash_long(v) AS (__rat_fmix(xor(__rat_mixh(__rat_mixh(0::UBIGINT, (v::BIGINT & ${M32})::UBIGINT), ((v::BIGINT >> 32) & ${M32})::UBIGINT), 8::UBIGINT)))`,
];

/** The SQL expression computing a partition value from the source column (used to split files on write). */
export function partitionSql(transform: string, column: string, sourceType: string): string {
  const c = q(column);
  const isTs = sourceType.startsWith('timestamp');
  const base = sourceType === 'timestamptz' ? `CAST(${c} AS TIMESTAMP)` : c;
  if (transform === 'identity') return c;
  if (transform === 'year') return `CAST(year(${base}) - 1970 AS INTEGER)`;
  if (transform === 'month') return `CAST((year(${base}) - 1970) * 12 + month(${base}) - 1 AS INTEGER)`;
  if (transform === 'day') return `CAST(date_diff('day', DATE '1970-01-01', CAST(${base} AS DATE)) AS INTEGER)`;
  if (transform === 'hour') {
    if (!isTs) throw new InvalidPartitionError(`hour(${column})`, 'hour needs a timestamp column');
    return `CAST(floor(epoch_us(${base}) / 3600000000) AS INTEGER)`;
  }
  const b = /^bucket\[(\d+)\]$/.exec(transform);
  if (b) {
    let v: string;
    if (sourceType === 'int' || sourceType === 'long') v = c;
    else if (sourceType === 'date') v = `date_diff('day', DATE '1970-01-01', ${c})`;
    else if (isTs) v = `epoch_us(${base})`;
    else throw new InvalidPartitionError(`bucket(${b[1]}, ${column})`, `bucket on ${sourceType} is not supported`);
    return `CAST((__rat_hash_long(${v}) & 2147483647) % ${b[1]} AS INTEGER)`;
  }
  const t = /^truncate\[(\d+)\]$/.exec(transform);
  if (t) {
    const w = t[1];
    if (sourceType === 'int' || sourceType === 'long') return `(${c} - (((${c} % ${w}) + ${w}) % ${w}))`;
    if (sourceType === 'string') return `substr(${c}, 1, ${w})`;
    throw new InvalidPartitionError(`truncate(${w}, ${column})`, `truncate on ${sourceType} is not supported`);
  }
  throw new InvalidPartitionError(transform, 'unknown transform');
}
