import { BadRequestError, NoSuchReferenceError } from '../../errors/index.ts';
import type { VersionStore, WalkBounds } from '../../store/types.ts';
import { unreachedFrom } from './reachable.ts';

/** Commits a membership walk visits at most; a commit further below the head than this is treated as not on it. */
export const MEMBERSHIP_WALK_LIMIT = 20_000;
/** Answers remembered at most; the map starts over when full. */
const CACHE_SIZE = 10_000;

/**
 * Whether a commit is on a reference's history (the head or reachable from it through any parent), for authorizing
 * `ref@hash`: a reader of `ref` may read the commits of `ref`, not any commit whose hash it learned. Commits never
 * change, so an answer for a (head, commit) pair holds for good and is cached; a reference that moves gets a new head
 * and a fresh walk. The walk goes newest first and never below the commit's generation, so it costs the commits
 * between the head and the commit (at most `limit`), and nothing for the head itself.
 *
 * @example
 *   const history = new HistoryMembership(store);
 *   await history.contains('dev', '1a2b3c4d') // true when 1a2b3c4d… is dev's head or one of its ancestors
 */
export class HistoryMembership {
  private readonly known = new Map<string, boolean>();

  constructor(
    private readonly store: VersionStore,
    private readonly limit = MEMBERSHIP_WALK_LIMIT,
  ) {}

  /**
   * `hash` may be abbreviated (8+ hex digits). Throws the store's error for a missing reference. A commit that does
   * not exist, or a prefix several commits share, is not on it either: the caller asking may read `refName` only, and
   * an answer apart from "not on it" would tell it which commits exist on the references it cannot read.
   */
  async contains(refName: string, hash: string): Promise<boolean> {
    return (await this.lookup(refName, hash)).onHistory;
  }

  /**
   * `contains`, with the head it was answered for: a write's expected hash off the history is refused naming the head
   * the reference is at (http/auth/middleware.ts), as the store's refusal does.
   */
  async lookup(refName: string, hash: string): Promise<{ head: string; onHistory: boolean }> {
    const head = (await this.store.getReference(refName)).hash;
    const target = await this.resolve(hash);
    if (target === undefined) return { head, onHistory: false };
    if (head === target) return { head, onHistory: true };
    const key = `${head}:${target}`;
    let answer = this.known.get(key);
    if (answer === undefined) {
      answer = await this.walk(head, target);
      if (this.known.size >= CACHE_SIZE) this.known.clear();
      this.known.set(key, answer);
    }
    return { head, onHistory: answer };
  }

  /** The full hash of commit `hash`; undefined when no commit has it, or more than one starts with it. */
  private async resolve(hash: string): Promise<string | undefined> {
    try {
      return (await this.store.resolve(`@${hash}`)).hash;
    } catch (err) {
      // The store refuses an unknown hash (NoSuchReferenceError) and an ambiguous prefix (BadRequestError).
      if (err instanceof NoSuchReferenceError || err instanceof BadRequestError) return undefined;
      throw err;
    }
  }

  private async walk(head: string, target: string): Promise<boolean> {
    const generation = (await this.store.commitLinks(target)).generation;
    const load = (h: string, bounds: WalkBounds) => this.store.commitLinks(h, bounds);
    return (await unreachedFrom(head, new Map([[target, generation]]), load, this.limit)).hashes.length === 0;
  }
}
