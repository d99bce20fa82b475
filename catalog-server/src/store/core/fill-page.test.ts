import assert from 'node:assert/strict';
import { fillPage, type FilledPageRequest } from './fill-page.ts';

/** A sorted list of numbers read in chunks after a position, counting the rows read. */
function list(n: number) {
  const rows = Array.from({ length: n }, (_, i) => i);
  const reads: number[] = [];
  const read = async (after: number | undefined, count: number) => {
    reads.push(count);
    return rows.filter((r) => after === undefined || r > after).slice(0, count);
  };
  return { read, reads, positionOf: (r: number) => r };
}

/** Every page from the start, following `resumeAfter`, as the items of each. */
async function allPages(req: Omit<FilledPageRequest<number, number>, 'after'>): Promise<number[][]> {
  const pages: number[][] = [];
  let after: number | undefined;
  for (;;) {
    const page = await fillPage({ ...req, after });
    pages.push(page.items);
    if (page.resumeAfter === undefined) return pages;
    after = page.resumeAfter;
  }
}

describe('fillPage: one page of a filtered list', () => {
  it('fills each page with kept rows however many are skipped, and ends without a way on', async () => {
    const l = list(40);
    // Only multiples of 7 are kept: five chunks of limit + 1 rows for the first page of 3.
    const first = await fillPage({ ...l, limit: 3, keep: (r) => r % 7 === 0 });
    assert.deepEqual(first, { items: [0, 7, 14], resumeAfter: 14 });
    assert.deepEqual(await allPages({ ...l, limit: 3, keep: (r) => r % 7 === 0 }), [
      [0, 7, 14],
      [21, 28, 35],
    ]);
  });

  it('gives no way on when no kept row follows a full page', async () => {
    const l = list(10);
    assert.deepEqual(await fillPage({ ...l, limit: 2, keep: (r) => r === 1 || r === 3 }), { items: [1, 3] });
  });

  it('takes an asynchronous filter', async () => {
    const l = list(6);
    assert.deepEqual(await fillPage({ ...l, limit: 5, keep: async (r) => r > 3 }), { items: [4, 5] });
  });

  it('stops at maxRead with a way on after the last row read, so paging on skips and repeats nothing', async () => {
    const l = list(100);
    const keep = (r: number) => r % 30 === 29;
    const page = await fillPage({ ...l, limit: 2, keep, maxRead: 10 });
    assert.deepEqual(page, { items: [], resumeAfter: 9 });
    assert.equal(
      l.reads.reduce((a, b) => a + b, 0),
      10,
    );
    const pages = await allPages({ ...l, limit: 2, keep, maxRead: 10 });
    assert.deepEqual(pages.flat(), [29, 59, 89]);
    assert.ok(pages.every((p) => p.length <= 2));
  });

  it('reads at least a page and the row after it, whatever maxRead says', async () => {
    const l = list(10);
    assert.deepEqual(await fillPage({ ...l, limit: 3, keep: () => true, maxRead: 1 }), {
      items: [0, 1, 2],
      resumeAfter: 2,
    });
  });
});
