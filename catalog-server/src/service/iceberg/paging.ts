import { compareText, pageSorted } from '../../store/core/paging.ts';

export interface PageParams {
  /** Absent = everything in one page. */
  pageSize?: number;
  /** Empty string (Java's first request) = first page. */
  pageToken?: string;
}

/**
 * Pages a list of keys for the Iceberg REST API with the server's one paginator (store/core/paging.ts): the token
 * names the last key returned, so pages stay correct when entries are added or removed between requests.
 *
 * @example paginate(tables, (t) => t.name, { pageSize: 100 })
 */
export function paginate<T>(items: T[], sortKey: (t: T) => string, page: PageParams): { items: T[]; next?: string } {
  const sorted = [...items].sort((a, b) => compareText(sortKey(a), sortKey(b)));
  const out = pageSorted(sorted, sortKey, { limit: page.pageSize, pageToken: page.pageToken || undefined });
  return { items: out.items, next: out.token };
}
