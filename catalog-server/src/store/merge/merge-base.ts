/** What the merge-base search needs to know about a commit. */
export interface CommitNode {
  parents: string[];
  /** Longest distance to the root; a parent's generation is always lower than its child's. */
  generation: number;
}

export type CommitLoader = (hash: string) => CommitNode;

const FROM_A = 1;
const FROM_B = 2;
const STALE = 4;

/**
 * Best common ancestors of `a` and `b`: common ancestors that are not ancestors of another common ancestor. Walks
 * both histories at once, highest generation first, so it stops as soon as no unexplored commit can be a better base
 * (work is proportional to the commits since the fork, not to the whole history).
 *
 * @example mergeBases(load, featureHead, mainHead) // → ['<fork point hash>']
 */
export function mergeBases(load: CommitLoader, a: string, b: string): string[] {
  if (a === b) return [a];
  const flags = new Map<string, number>();
  const queue = new MaxQueue();
  const gen = (h: string) => load(h).generation;
  flags.set(a, FROM_A);
  flags.set(b, FROM_B);
  queue.push(a, gen(a));
  queue.push(b, gen(b));
  const found: string[] = [];
  while (queue.size > 0 && queue.hasNonStale(flags)) {
    const hash = queue.pop()!;
    const f = flags.get(hash)!;
    let propagate = f;
    if ((f & (FROM_A | FROM_B)) === (FROM_A | FROM_B) && !(f & STALE)) {
      found.push(hash);
      propagate = f | STALE; // its ancestors are common too, but never better
      flags.set(hash, propagate);
    }
    for (const p of load(hash).parents) {
      const pf = flags.get(p) ?? 0;
      const next = pf | propagate;
      if (next !== pf) {
        if (pf === 0) queue.push(p, gen(p));
        flags.set(p, next);
      }
    }
  }
  // A candidate found early may still be an ancestor of one found later (uneven generations); drop those.
  return found.filter((c) => !found.some((o) => o !== c && isAncestor(load, c, o)));
}

/**
 * The single merge base used for a merge: the best common ancestor with the highest generation (ties broken by hash,
 * so the choice is deterministic). In a criss-cross history there are several; picking one can report a conflict that
 * a recursive merge would resolve, never the reverse (documented in docs/store.md).
 */
export function mergeBase(load: CommitLoader, a: string, b: string): string | null {
  const bases = mergeBases(load, a, b);
  if (bases.length === 0) return null;
  return bases.sort((x, y) => load(y).generation - load(x).generation || (x < y ? -1 : 1))[0];
}

/** True if `ancestor` is reachable from `descendant` (or equal). Prunes by generation. */
export function isAncestor(load: CommitLoader, ancestor: string, descendant: string): boolean {
  if (ancestor === descendant) return true;
  const target = load(ancestor).generation;
  const seen = new Set<string>([descendant]);
  const stack = [descendant];
  while (stack.length) {
    const h = stack.pop()!;
    for (const p of load(h).parents) {
      if (p === ancestor) return true;
      if (!seen.has(p) && load(p).generation > target) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return false;
}

/** A binary max-heap on generation. */
class MaxQueue {
  private items: Array<{ hash: string; gen: number }> = [];
  get size(): number {
    return this.items.length;
  }
  push(hash: string, gen: number): void {
    const items = this.items;
    items.push({ hash, gen });
    let i = items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (items[p].gen >= items[i].gen) break;
      [items[p], items[i]] = [items[i], items[p]];
      i = p;
    }
  }
  pop(): string | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && items[l].gen > items[m].gen) m = l;
        if (r < items.length && items[r].gen > items[m].gen) m = r;
        if (m === i) break;
        [items[m], items[i]] = [items[i], items[m]];
        i = m;
      }
    }
    return top.hash;
  }
  /** The walk can stop once every queued commit is already known to be below a found base. */
  hasNonStale(flags: Map<string, number>): boolean {
    return this.items.some((it) => !((flags.get(it.hash) ?? 0) & STALE));
  }
}
