import { BadRequestError } from '../../errors/index.ts';

export interface PageParams {
  /** Absent = everything in one page. */
  pageSize?: number;
  /** Empty string (Java's first request) = first page. */
  pageToken?: string;
}

/**
 * Pages a sorted list of keys with an opaque token naming the last key returned, so pages stay correct when entries
 * are added or removed between requests.
 */
export function paginate<T>(items: T[], sortKey: (t: T) => string, page: PageParams): { items: T[]; next?: string } {
  const sorted = [...items].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  let start = 0;
  if (page.pageToken) {
    let after: string;
    try {
      after = Buffer.from(page.pageToken, 'base64url').toString('utf8');
    } catch {
      throw new BadRequestError(`Invalid pageToken "${page.pageToken}".`);
    }
    start = sorted.findIndex((t) => sortKey(t) > after);
    if (start < 0) start = sorted.length;
  }
  if (page.pageSize === undefined) return { items: sorted.slice(start) };
  const items2 = sorted.slice(start, start + page.pageSize);
  const more = start + page.pageSize < sorted.length;
  return {
    items: items2,
    next:
      more && items2.length > 0
        ? Buffer.from(sortKey(items2[items2.length - 1]), 'utf8').toString('base64url')
        : undefined,
  };
}
