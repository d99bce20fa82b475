/**
 * Sorted lists computed from immutable trees (the diff of two trees, the entries of one), bounded by the items all
 * lists hold together, least recently used first out: a list read page by page is computed once. Trees are named by
 * their content, so a kept list never goes stale, also with several servers on one database; the bound only limits
 * memory. A list larger than the bound is handed back without being kept.
 *
 * @example const entries = await cache.get(`${fromTree}:${toTree}`, () => computeSortedDiff())
 */
export class ListCache<T> {
  private readonly lists = new Map<string, T[]>();
  private held = 0;

  constructor(private readonly limit: number) {}

  /** The kept list for `key`, else `compute()`'s result, kept when it fits. */
  async get(key: string, compute: () => Promise<T[]>): Promise<T[]> {
    const hit = this.lists.get(key);
    if (hit) {
      this.lists.delete(key); // re-inserted as the most recently used
      this.lists.set(key, hit);
      return hit;
    }
    const list = await compute();
    if (list.length > this.limit) return list;
    // Two readers of one list may have computed it at once: the later one replaces the earlier.
    const earlier = this.lists.get(key);
    if (earlier) {
      this.lists.delete(key);
      this.held -= earlier.length;
    }
    while (this.held + list.length > this.limit) {
      const [oldest, items] = this.lists.entries().next().value as [string, T[]];
      this.lists.delete(oldest);
      this.held -= items.length;
    }
    this.lists.set(key, list);
    this.held += list.length;
    return list;
  }

  /** The kept list for `key`, without marking it used. */
  peek(key: string): T[] | undefined {
    return this.lists.get(key);
  }

  /** The key of the most recently used list. */
  newestKey(): string | undefined {
    let newest: string | undefined;
    for (const key of this.lists.keys()) newest = key;
    return newest;
  }
}
