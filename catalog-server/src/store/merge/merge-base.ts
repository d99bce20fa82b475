/** What the merge-base search needs to know about a commit. */
export interface CommitNode {
  parents: string[];
  /** Longest distance to the root; a parent's generation is always lower than its child's. */
  generation: number;
}

export type CommitLoader = (hash: string) => Promise<CommitNode> | CommitNode;

const FROM_A = 1;
const FROM_B = 2;
const STALE = 4;

/**
 * Best common ancestors of `a` and `b`: common ancestors that are not ancestors of another common ancestor. Walks
 * both histories at once, highest generation first (parents always have a lower generation than their children, so
 * a commit is visited once, after everything that reaches it). A commit reached from both sides is a candidate and
 * marks its ancestors stale (common, but never better). The walk stops as soon as one side has no un-stale commit
 * left in the queue: a new candidate needs an un-stale mark from both sides, and marks only flow from queued commits
 * to their parents. So the work is proportional to the commits since the fork, not to the whole history (a target
 * whose first-parent line only it reaches is not walked to the root).
 *
 * @example mergeBases(load, featureHead, mainHead) // → ['<fork point hash>']
 */
export async function mergeBases(load: CommitLoader, a: string, b: string): Promise<string[]> {
  if (a === b) return [a];
  const flags = new Map<string, number>();
  const queue = new MaxQueue();
  /** Queued commits carrying each side's mark un-stale; the walk goes on while both are non-zero. */
  const live = { [FROM_A]: 0, [FROM_B]: 0 };
  const count = (f: number, by: number) => {
    if (f & STALE) return;
    if (f & FROM_A) live[FROM_A] += by;
    if (f & FROM_B) live[FROM_B] += by;
  };
  const enqueue = async (h: string, f: number) => {
    flags.set(h, f);
    count(f, 1);
    queue.push(h, (await load(h)).generation);
  };
  await enqueue(a, FROM_A);
  await enqueue(b, FROM_B);
  const found: string[] = [];
  while (queue.size > 0 && live[FROM_A] > 0 && live[FROM_B] > 0) {
    const hash = queue.pop()!;
    const f = flags.get(hash)!;
    count(f, -1);
    let propagate = f;
    if ((f & (FROM_A | FROM_B)) === (FROM_A | FROM_B) && !(f & STALE)) {
      found.push(hash);
      propagate = f | STALE; // its ancestors are common too, but never better
      flags.set(hash, propagate);
    }
    for (const p of (await load(hash)).parents) {
      const pf = flags.get(p);
      if (pf === undefined) {
        await enqueue(p, propagate);
      } else if ((pf | propagate) !== pf) {
        // Still queued: a parent is popped only after all its children (lower generation).
        count(pf, -1);
        count(pf | propagate, 1);
        flags.set(p, pf | propagate);
      }
    }
  }
  // A candidate found early may still be an ancestor of one found later (uneven generations); drop those.
  const best: string[] = [];
  for (const c of found) {
    let below = false;
    for (const o of found) if (o !== c && (await isAncestor(load, c, o))) below = true;
    if (!below) best.push(c);
  }
  return best;
}

/**
 * The single merge base used for a merge: the best common ancestor with the highest generation (ties broken by hash,
 * so the choice is deterministic). In a criss-cross history there are several; picking one can report a conflict that
 * a recursive merge would resolve, never the reverse (documented in docs/store.md).
 */
export async function mergeBase(load: CommitLoader, a: string, b: string): Promise<string | null> {
  const bases = await mergeBases(load, a, b);
  if (bases.length === 0) return null;
  const gens = new Map<string, number>();
  for (const h of bases) gens.set(h, (await load(h)).generation);
  return bases.sort((x, y) => gens.get(y)! - gens.get(x)! || (x < y ? -1 : 1))[0];
}

/** True if `ancestor` is reachable from `descendant` (or equal). Prunes by generation. */
export async function isAncestor(load: CommitLoader, ancestor: string, descendant: string): Promise<boolean> {
  if (ancestor === descendant) return true;
  const target = (await load(ancestor)).generation;
  const seen = new Set<string>([descendant]);
  const stack = [descendant];
  while (stack.length) {
    const h = stack.pop()!;
    for (const p of (await load(h)).parents) {
      if (p === ancestor) return true;
      if (!seen.has(p) && (await load(p)).generation > target) {
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
}
