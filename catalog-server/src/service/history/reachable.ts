import type { CommitLinks, WalkBounds } from '../../store/types.ts';

export type { CommitLinks };

/** The targets a walk did not reach, and whether it stopped at its limit (those might be further down). */
export interface Unreached {
  hashes: string[];
  exhausted: boolean;
}

/**
 * Which of `targets` (full hash → generation) are neither `head` nor reachable from it through any parent. One walk
 * for all of them, newest first, stopping once every target is found and never going below the lowest generation
 * still sought, so it costs the commits between the head and the oldest target, and at most `limit` commit loads:
 * past that the targets not yet found are reported with `exhausted` (a long history is not walked to its start).
 * Pure over `load`, so the same walk serves the store and an in-memory graph. `load` is told both bounds (the floor,
 * the loads left), so a store can read the commits the walk goes on to ahead, in pages, and none beyond them.
 *
 * @example await unreachedFrom(head, new Map([[picked.hash, picked.generation]]), (h, b) => store.commitLinks(h, b), 20_000)
 *   // { hashes: [], exhausted: false } when `picked` is the head or one of its ancestors
 */
export async function unreachedFrom(
  head: string,
  targets: ReadonlyMap<string, number>,
  load: (hash: string, bounds: WalkBounds) => Promise<CommitLinks>,
  limit: number,
): Promise<Unreached> {
  const sought = new Map(targets);
  sought.delete(head);
  const result = (exhausted: boolean): Unreached => ({
    hashes: [...targets.keys()].filter((h) => sought.has(h)),
    exhausted,
  });
  let floor = lowest(sought);
  const seen = new Set<string>([head]);
  const stack = [head];
  let visited = 0;
  while (stack.length > 0 && sought.size > 0) {
    if (++visited > limit) return result(true);
    const c = await load(stack.pop()!, { floor, wanted: limit - visited + 1 });
    // Its parents are all below the lowest target still sought: nothing down there is one or leads to one.
    if (c.generation <= floor) continue;
    for (const p of c.parentHashes) {
      if (sought.delete(p)) floor = lowest(sought);
      if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return result(false);
}

function lowest(generations: ReadonlyMap<string, number>): number {
  let min = Infinity;
  for (const g of generations.values()) if (g < min) min = g;
  return min;
}
