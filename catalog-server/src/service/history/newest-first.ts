import type { Commit } from '../../store/types.ts';

/** What the order needs of a commit; walks queue what they read of it (links from `VersionStore.commitLinks`). */
export type Dated = Pick<Commit, 'hash' | 'generation' | 'commitTime'>;

/**
 * Commits waiting to be visited, newest first: highest generation (longest path to the root), then latest commit
 * time, then hash. Popping in this order visits every child before its parents, so once a commit is popped no later
 * walk step can reach it again. Graph walks keep only their open lines here, which stay few, so a sorted array is
 * enough.
 *
 * @example const q = new NewestFirst(); q.push(head); const next = q.pop();
 */
export class NewestFirst<C extends Dated = Dated> {
  private readonly items: C[] = [];
  private readonly queued = new Set<string>();

  get size(): number {
    return this.items.length;
  }

  has(hash: string): boolean {
    return this.queued.has(hash);
  }

  /** Adds a commit unless it is already waiting. */
  push(c: C): void {
    if (this.queued.has(c.hash)) return;
    this.queued.add(c.hash);
    let i = this.items.length;
    while (i > 0 && before(c, this.items[i - 1]!)) i--;
    this.items.splice(i, 0, c);
  }

  pop(): C | undefined {
    const c = this.items.shift();
    if (c) this.queued.delete(c.hash);
    return c;
  }

  /** The waiting hashes, newest first. */
  hashes(): string[] {
    return this.items.map((c) => c.hash);
  }

  all(): readonly C[] {
    return this.items;
  }
}

function before(a: Dated, b: Dated): boolean {
  if (a.generation !== b.generation) return a.generation > b.generation;
  if (a.commitTime !== b.commitTime) return a.commitTime > b.commitTime;
  return a.hash < b.hash;
}
