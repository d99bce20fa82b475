import { BadRequestError } from '../../errors/index.ts';
import type { Page, PageRequest } from '../../store/types.ts';

/**
 * Pages an in-memory list; the token is the hex of the last item's sort key, as Nessie's tokens are.
 *
 * @example pageArray(['a', 'b', 'c'], { maxRecords: 2 }, (s) => s) // { items: ['a', 'b'], token: '62' }
 */
export function pageArray<T>(items: T[], page: PageRequest, id: (t: T) => string): Page<T> {
  let start = 0;
  if (page.pageToken) {
    if (!/^([0-9a-f]{2})+$/.test(page.pageToken)) throw new BadRequestError('Invalid page-token.');
    const after = Buffer.from(page.pageToken, 'hex').toString('utf8');
    start = items.findIndex((t) => id(t) === after) + 1;
  }
  const size = page.maxRecords ?? 250;
  const slice = items.slice(start, start + size);
  const more = start + size < items.length;
  return { items: slice, token: more ? Buffer.from(id(slice[slice.length - 1]!), 'utf8').toString('hex') : undefined };
}
