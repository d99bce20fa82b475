/** How to read one filtered list a page at a time: rows in a fixed order, each with a position to resume after. */
export interface FilledPageRequest<T, P> {
  /** Rows a page holds at most. */
  limit: number;
  /** Resume after this position (a previous page's), or from the start. */
  after?: P;
  /** Up to `count` rows after `after` (from the start when undefined), in list order. */
  read(after: P | undefined, count: number): Promise<T[]>;
  positionOf(row: T): P;
  /** Whether the caller gets the row; the others are skipped. */
  keep(row: T): boolean | Promise<boolean>;
  /**
   * Rows one page may read at most, kept or skipped (at least `limit + 1`); no bound when absent. A filter that
   * skips most of a long list would otherwise make one request read all of it.
   */
  maxRead?: number;
}

/** A page, and where the next one starts: absent when the list ended. */
export interface FilledPage<T, P> {
  items: T[];
  resumeAfter?: P;
}

/**
 * One page of a filtered list, read in chunks of `limit + 1` rows: skipped rows do not count, and reading goes on
 * until the page is full or the list ends, so a filter never shortens a page while rows it keeps follow. The next
 * page starts after the last row returned, present only when another kept row follows (a caller never gets a way on
 * that leads to an empty page), except at `maxRead`: then the page ends where reading stopped, possibly short or
 * empty, and the next one starts after the last row read, so paging on skips nothing and repeats nothing.
 *
 * @example await fillPage({ limit: 2, read: (after, n) => rowsAfter(after, n), positionOf: (r) => r.name, keep: (r) => r.name !== 'x' })
 *   // { items: [a, b], resumeAfter: 'b' } when a kept row follows b
 */
export async function fillPage<T, P>(req: FilledPageRequest<T, P>): Promise<FilledPage<T, P>> {
  const maxRead = Math.max(req.maxRead ?? Infinity, req.limit + 1);
  const items: T[] = [];
  let after = req.after;
  let read = 0;
  for (;;) {
    const count = Math.min(req.limit + 1, maxRead - read);
    const rows = await req.read(after, count);
    read += rows.length;
    for (const row of rows) {
      const kept = req.keep(row);
      if (!(typeof kept === 'boolean' ? kept : await kept)) continue;
      if (items.length === req.limit) return { items, resumeAfter: req.positionOf(items[req.limit - 1]!) };
      items.push(row);
    }
    if (rows.length < count) return { items };
    after = req.positionOf(rows[rows.length - 1]!);
    if (read >= maxRead) return { items, resumeAfter: after };
  }
}
