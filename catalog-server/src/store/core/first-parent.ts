import type { ObjectReader } from './objects.ts';
import type { CommitRecord } from './persistence.ts';

/**
 * Commits read per round trip, at most, down a first-parent line: `main~5000` costs 6 queries instead of 5,000 on
 * PostgreSQL, and a page stays a bounded read (whole commit rows).
 */
const MAX_PAGE = 1_000;
/**
 * The first page of a walk whose length is not known up front (`ref*<time>`): most such lookups stop a few commits
 * down, so it is small; every next page doubles, so a walk n commits deep still costs about log2(n) + n / MAX_PAGE
 * round trips and reads at most twice what it needed.
 */
const FIRST_PAGE = 32;

/**
 * `hash~n`: the commit `n` steps down the first-parent line from `hash` (`hash` itself for 0), or undefined when the
 * line ends before (at the root). Reads the line a page per round trip, exactly as far as it needs.
 *
 * @example await nthFirstParent(objects, head, 5000) // the hash of head~5000, in 6 queries when nothing is cached
 */
export async function nthFirstParent(objects: ObjectReader, hash: string, n: number): Promise<string | undefined> {
  let from = hash;
  // Steps still to go from `from`.
  let left = n;
  for (;;) {
    const page = await objects.firstParentChain(from, Math.min(left + 1, MAX_PAGE));
    if (page.length > left) return page[left]!.hash;
    const next = page[page.length - 1]!.parents[0];
    if (next === undefined) return undefined;
    left -= page.length;
    from = next;
  }
}

/**
 * The newest commit of the first-parent line from `hash` (itself first) committed at or before `atMs`: the head as
 * the branch itself saw it at that time. When none is, the line's last commit (the root). Reads the line in pages
 * growing from `FIRST_PAGE`, so a time far back costs a few queries, not one per commit.
 *
 * @example (await firstParentAsOf(objects, head, Date.parse('2026-11-22T10:00:00Z'))).hash
 */
export async function firstParentAsOf(objects: ObjectReader, hash: string, atMs: number): Promise<CommitRecord> {
  let from = hash;
  let size = FIRST_PAGE;
  for (;;) {
    const page = await objects.firstParentChain(from, size);
    for (const c of page) if (c.commitMs <= atMs || c.parents.length === 0) return c;
    from = page[page.length - 1]!.parents[0]!;
    size = Math.min(size * 2, MAX_PAGE);
  }
}
