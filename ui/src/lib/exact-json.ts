/**
 * The UI keeps 64-bit integers as exact decimal strings: `parseJson` (from the iceberg package) gives `bigint` for
 * integers beyond 2^53, which React cannot render and `JSON.stringify` cannot write, so they become strings here.
 */
export type Exact<T> = T;

/**
 * Replaces every `bigint` in a parsed JSON value with its decimal string.
 *
 * @example exactIds({ id: 3051729675574597004n }) // { id: '3051729675574597004' }
 */
export function exactIds(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(exactIds);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = exactIds(v);
    return out;
  }
  return value;
}

/** An id as text whether it arrived as a safe number or as an exact string. */
export function idText(id: number | string | null | undefined): string {
  return id === null || id === undefined ? '' : String(id);
}
