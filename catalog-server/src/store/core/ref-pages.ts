import { BadRequestError } from '../../errors/index.ts';
import type { Page, Reference, ReferencePageRequest, ReferenceType } from '../types.ts';
import { fillPage } from './fill-page.ts';
import { decodeToken, encodeToken, pageSize } from './paging.ts';
import type { Persistence } from './persistence.ts';
import { toReference } from './refs.ts';

/** Page size of reference listings when the caller names none (Nessie's default). */
const DEFAULT_REF_PAGE = 250;

/**
 * One page of references in (type, name) order — branches before tags, as Nessie lists `refs/heads/…` before
 * `refs/tags/…` — read from the database in chunks after the token's position, so a page costs its size rather
 * than the whole list. References `filter` rejects are skipped and reading goes on until the page is full or the
 * list ends (`fillPage`); the token (the last returned reference's type and name) is present only when another
 * reference that passes the filter follows, so a caller never gets a token that leads to an empty page. With
 * `branchesOnly` the listing ends at the first tag.
 *
 * @example await pageReferences(persist, { maxRecords: 2 }) // { items: [main, dev], token: '…' } when more follow
 */
export async function pageReferences(persist: Persistence, opts: ReferencePageRequest = {}): Promise<Page<Reference>> {
  const keep = opts.filter ?? (() => true);
  const page = await fillPage({
    limit: pageSize(opts.maxRecords, DEFAULT_REF_PAGE),
    after: opts.pageToken ? decodePosition(opts.pageToken) : undefined,
    read: async (after, count) => {
      const rows = await persist.listRefsAfter(after, count);
      // Fewer rows than asked for end the listing.
      return opts.branchesOnly ? rows.filter((r) => r.type === 'BRANCH') : rows;
    },
    positionOf: (row): { type: ReferenceType; name: string } => ({ type: row.type, name: row.name }),
    keep: (row) => keep(toReference(row)),
  });
  const items = page.items.map(toReference);
  return page.resumeAfter ? { items, token: encodePosition(page.resumeAfter) } : { items };
}

/** The resume position as `TYPE NUL name` (reference names never hold a NUL). */
function encodePosition(ref: { type: ReferenceType; name: string }): string {
  return encodeToken(`${ref.type}\u0000${ref.name}`);
}

function decodePosition(token: string): { type: ReferenceType; name: string } {
  const position = decodeToken(token);
  const cut = position.indexOf('\u0000');
  const type = position.slice(0, cut);
  if (cut < 0 || (type !== 'BRANCH' && type !== 'TAG')) throw new BadRequestError(`Invalid pageToken "${token}".`);
  return { type, name: position.slice(cut + 1) };
}
