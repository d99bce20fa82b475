import { BadRequestError } from '../../errors/index.ts';

/** Page size when the client gives none, and the most one page may hold. */
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 10_000;

/**
 * The page size for `maxRecords`: the default when absent, capped at MAX_PAGE; not a positive integer is a 400.
 *
 * @example pageSize(undefined) → 100; pageSize(50_000) → 10000
 */
export function pageSize(maxRecords: number | undefined, fallback = DEFAULT_PAGE): number {
  if (maxRecords === undefined) return fallback;
  if (!Number.isInteger(maxRecords) || maxRecords < 1) {
    throw new BadRequestError('maxRecords must be a positive integer.');
  }
  return Math.min(maxRecords, MAX_PAGE);
}

/** Opaque page tokens: the resume position as base64url text. @example encodeToken('db\u0000t') */
export function encodeToken(position: string): string {
  return Buffer.from(position, 'utf8').toString('base64url');
}

/**
 * The resume position a token names. A token that is not the encoding of some position (not base64url, or bytes that
 * are not UTF-8 text, as a truncated or mistyped token gives) is a 400: read as a position, it would name one past
 * everything and answer an empty page, as if the list had ended.
 */
export function decodeToken(token: string): string {
  const position = /^[A-Za-z0-9_-]*$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : undefined;
  if (position === undefined || encodeToken(position) !== token) {
    throw new BadRequestError(`Invalid pageToken "${token.slice(0, 200)}": pass the token a previous page returned.`);
  }
  return position;
}

/**
 * The one paginator for sorted lists: the items whose sort key comes after the token's, up to `limit` (all when
 * undefined), and a token naming the last key returned when more follow. Keying pages by the last key (not by an
 * offset) keeps them correct when entries are added or removed between requests.
 *
 * @example pageSorted(['a','b','c'], (s) => s, { limit: 2 }) → { items: ['a','b'], token: encodeToken('b') }
 */
export function pageSorted<T>(
  sorted: T[],
  sortKey: (t: T) => string,
  opts: { limit?: number; pageToken?: string },
): { items: T[]; token?: string } {
  const after = opts.pageToken ? decodeToken(opts.pageToken) : undefined;
  // Binary search for the first key after the token: a page of a long list costs its size, not the list's.
  let from = 0;
  if (after !== undefined) {
    let hi = sorted.length;
    while (from < hi) {
      const mid = (from + hi) >> 1;
      if (sortKey(sorted[mid]) > after) hi = mid;
      else from = mid + 1;
    }
  }
  if (opts.limit === undefined) return { items: sorted.slice(from) };
  const items = sorted.slice(from, from + opts.limit);
  const more = from + opts.limit < sorted.length && items.length > 0;
  return { items, token: more ? encodeToken(sortKey(items[items.length - 1])) : undefined };
}

/** Code-point order (not locale order), the order keys and pages are sorted in. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
