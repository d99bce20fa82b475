/** Most entries all cached diffs may hold together (~50 MB at worst); a larger diff is recomputed for every page. */
export const DIFF_CACHE_ENTRIES = 250_000;

/**
 * The sorted diffs between recently compared trees, so that reading a diff page by page computes it once rather than
 * once per page. Trees are immutable and named by their content, so a cached diff never goes stale, also with several
 * servers on one database; the cache only bounds memory (least recently used diffs go first).
 *
 * @example const entries = await cache.get(`${fromTree}:${toTree}`, () => computeSortedDiff())
 */
export class DiffCache<T> {
  private readonly diffs = new Map<string, T[]>();
  private held = 0;

  constructor(private readonly limit = DIFF_CACHE_ENTRIES) {}

  /** The cached list for `key`, else `compute()`'s result, kept when it fits. */
  async get(key: string, compute: () => Promise<T[]>): Promise<T[]> {
    const hit = this.diffs.get(key);
    if (hit) {
      this.diffs.delete(key); // re-inserted as the most recently used
      this.diffs.set(key, hit);
      return hit;
    }
    const list = await compute();
    if (list.length > this.limit) return list;
    // Two readers of one diff may have computed it at once: the later one replaces the earlier.
    const earlier = this.diffs.get(key);
    if (earlier) {
      this.diffs.delete(key);
      this.held -= earlier.length;
    }
    while (this.held + list.length > this.limit) {
      const [oldest, entries] = this.diffs.entries().next().value as [string, T[]];
      this.diffs.delete(oldest);
      this.held -= entries.length;
    }
    this.diffs.set(key, list);
    this.held += list.length;
    return list;
  }
}
