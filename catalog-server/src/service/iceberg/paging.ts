import type { PageRequest } from '../../store/types.ts';

export interface PageParams {
  /** Absent = everything in one page. */
  pageSize?: number;
  /** Empty string (Java's first request) = first page. */
  pageToken?: string;
}

/**
 * An Iceberg REST listing's page as the store's listings take it: the store keeps keys in order and pages by the last
 * key returned (store/core/paging.ts, the server's one token format), so a page costs its size and stays correct when
 * entries are added or removed between requests. A page holds at most 10,000 entries, with a token for the rest.
 *
 * @example await store.listEntries(hash, { ...storePage({ pageSize: 100 }), prefix: ns, childrenOnly: true })
 */
export function storePage(page: PageParams): PageRequest {
  return { maxRecords: page.pageSize, pageToken: page.pageToken || undefined };
}
