import type { IcebergType } from './types.ts';

/** A partition or sort transform as the spec names them: `identity`, `bucket[16]`, `truncate[4]`, `day`, ... */
export type Transform =
  { name: 'identity' | 'year' | 'month' | 'day' | 'hour' | 'void' } | { name: 'bucket' | 'truncate'; width: number };

const TIMESTAMPS = ['timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns'];

/** Source types each transform accepts (the spec's "Partition Transforms" table). */
const ACCEPTS: Record<Transform['name'], (primitive: string) => boolean> = {
  identity: (t) => t !== 'variant' && t !== 'geometry' && t !== 'geography',
  bucket: (t) =>
    ['int', 'long', 'decimal', 'date', 'time', 'string', 'uuid', 'fixed', 'binary', ...TIMESTAMPS].includes(t),
  truncate: (t) => ['int', 'long', 'decimal', 'string', 'binary'].includes(t),
  year: (t) => t === 'date' || TIMESTAMPS.includes(t),
  month: (t) => t === 'date' || TIMESTAMPS.includes(t),
  day: (t) => t === 'date' || TIMESTAMPS.includes(t),
  hour: (t) => TIMESTAMPS.includes(t),
  void: () => true,
};

const WITH_WIDTH = /^(bucket|truncate)\[\s*(\d+)\s*\]$/;

/**
 * Reads a transform string; a string result says why it is not a transform.
 *
 * @example parseTransform('bucket[16]') // { name: 'bucket', width: 16 }
 */
export function parseTransform(text: string): Transform | string {
  const lower = text.toLowerCase();
  if (['identity', 'year', 'month', 'day', 'hour', 'void'].includes(lower))
    return { name: lower as 'identity' | 'year' | 'month' | 'day' | 'hour' | 'void' };
  const m = WITH_WIDTH.exec(lower);
  if (m) {
    const width = Number(m[2]);
    if (width < 1 || width > 2_147_483_647) return `${m[1]} width must be a positive 32-bit integer, got ${m[2]}`;
    return { name: m[1] as 'bucket' | 'truncate', width };
  }
  return `unknown transform ${JSON.stringify(text)} (identity, bucket[N], truncate[W], year, month, day, hour, void)`;
}

/**
 * Whether `transform` can be applied to values of `type`: only primitive sources, and only the types the spec lists
 * for that transform (no `bucket` of a double, no `hour` of a date).
 *
 * @example canTransform({ name: 'hour' }, { kind: 'primitive', name: 'date', since: 1 }) // false
 */
export function canTransform(transform: Transform, type: IcebergType): boolean {
  if (transform.name === 'void') return true;
  return type.kind === 'primitive' && ACCEPTS[transform.name](type.name);
}
