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

/** Rows one filtered listing reads at most per request, kept or skipped. */
const MAX_FILTERED_READ = 10_000;

/**
 * One page of a store listing with the rows `keep` refuses left out, filled from the pages that follow: each further
 * read asks the store for the number of rows still missing, so every row read is either returned or skipped and the
 * store's token of the last read resumes right after it. Reading stops once the page is full, the list ends, or
 * 10,000 rows were read (without a page size, after the store's first page); the page then carries the store's token when more follow (it may be short, even empty, and
 * the rows after it may all be skipped ones).
 *
 * @example await keptPage((req) => store.listEntries(hash, { ...req, prefix }), (e) => visible(e), { pageSize: 10 })
 */
export async function keptPage<T>(
  read: (req: PageRequest) => Promise<{ items: T[]; token?: string }>,
  keep: (row: T) => boolean | Promise<boolean>,
  page: PageParams,
): Promise<{ items: T[]; token?: string }> {
  const items: T[] = [];
  let token = page.pageToken || undefined;
  let readRows = 0;
  for (;;) {
    const missing = page.pageSize === undefined ? undefined : page.pageSize - items.length;
    const got = await read({ maxRecords: missing, pageToken: token });
    readRows += got.items.length;
    for (const row of got.items) if (await keep(row)) items.push(row);
    token = got.token;
    // Without a page size the store chose the page: it stays as the store gave it, less the skipped rows.
    const full = page.pageSize === undefined || items.length >= page.pageSize;
    if (!token || full || readRows >= MAX_FILTERED_READ) return { items, token };
  }
}
