import { BadRequestError, NoSuchReferenceError } from '../../errors/index.ts';
import type { CommitNode } from '../merge/merge-base.ts';
import { EMPTY_TREE, parseNode, type NodeIO, type TreeNode } from '../tree/hamt.ts';
import { applyNodeDelta, deltaBaseOf, isNodeDelta, parseNodeDelta } from '../tree/node-delta.ts';
import type { Content } from '../types.ts';
import { sealCommit } from './commit-records.ts';
import type { Draft } from './draft.ts';
import type { CommitRecord, Persistence } from './persistence.ts';

/** What a walk down the history reads of a commit: the merge-base view plus the commit time (newest-first order). */
export interface LinkNode extends CommitNode {
  commitTime: string;
}

const CACHE_LIMIT = 50_000;
/** Trie nodes read per query when a walk reads many (a level of a large trie); commits likewise (a graph page). */
const NODE_BATCH = 500;
/** Rows read to rebuild one node stored as a delta: its base is stored whole unless rows of equal content met. */
const MAX_DELTA_DEPTH = 32;
/** Ancestry entries kept (a hash, its parents and generation: about 250 bytes each). */
const ANCESTRY_LIMIT = 100_000;
/**
 * Ancestors read at once when a merge-base walk reaches a commit it does not hold: a walk goes on to that commit's
 * parents, theirs, and so on, so reading them together turns one query per commit into one per this many.
 */
const ANCESTRY_BATCH = 256;
/**
 * Ancestors read at once, at most, when a reachability walk (core `commitLinks`) reaches a commit it does not hold:
 * a walk 20,000 commits deep then costs 20 queries, where one query per commit was 20,000 round trips on PostgreSQL.
 */
const WALK_PAGE = 1_000;

/** The root commit every store starts from; fixed fields so that every fresh store has the same root hash. */
const ROOT_FIELDS = {
  parents: [] as string[],
  tree: EMPTY_TREE,
  author: '',
  committer: '',
  message: '',
  authorTime: '1970-01-01T00:00:00.000Z',
  commitTime: '1970-01-01T00:00:00.000Z',
  properties: {} as Record<string, string>,
};

/**
 * Reads the immutable objects (commits, trie nodes) through a bounded cache. Caching them is always safe, also with
 * several servers on one database: an object never changes once written, and its name is the hash of its content.
 * Refs are never cached here (see core/version-store.ts).
 *
 * @example const objects = new ObjectReader(persist); const c = await objects.commit(hash)
 */
export class ObjectReader {
  private readonly nodeCache = new Map<string, TreeNode<Content>>();
  private readonly commitCache = new Map<string, CommitRecord>();
  /** Parents, generation and time of commits read for walks down the history (without their operations). */
  private readonly ancestry = new Map<string, LinkNode>();
  /**
   * Objects of writes handed to the persistence but not yet durable, for the commits planned on top of them (see
   * `RefWrites.landPipelined`). Held outside the bounded cache, so none is evicted while a planner may still
   * need it; counted, since two writes in flight may create the same (content-addressed) object.
   */
  private readonly stagedNodes = new Map<string, { node: TreeNode<Content>; holds: number }>();
  private readonly stagedCommits = new Map<string, { commit: CommitRecord; holds: number }>();

  constructor(private readonly persist: Persistence) {}

  /** The root commit (same hash in every store). */
  static root(): CommitRecord {
    return sealCommit({ ...ROOT_FIELDS, operations: [] }, 0);
  }

  async commit(hash: string): Promise<CommitRecord> {
    let c = this.cachedCommit(hash);
    if (!c) {
      c = await this.persist.getCommit(hash);
      if (!c) throw new NoSuchReferenceError(hash);
      remember(this.commitCache, hash, c);
    }
    return c;
  }

  /**
   * The commits `hashes` name (full hashes), in that order: the held ones from memory, the rest `NODE_BATCH` per
   * query, so a page of the commit graph costs a query or two instead of one per commit.
   */
  async commits(hashes: readonly string[]): Promise<CommitRecord[]> {
    const missing = [...new Set(hashes.filter((h) => !this.cachedCommit(h)))];
    const read = new Map<string, CommitRecord>();
    for (let i = 0; i < missing.length; i += NODE_BATCH) {
      for (const c of await this.persist.getCommits(missing.slice(i, i + NODE_BATCH))) read.set(c.hash, c);
    }
    return hashes.map((h) => {
      const c = this.cachedCommit(h) ?? read.get(h);
      if (!c) throw new NoSuchReferenceError(h);
      if (read.has(h)) remember(this.commitCache, h, c);
      return c;
    });
  }

  /** A commit held in memory (cached, or staged by a write in flight), without a persistence read. */
  private cachedCommit(hash: string): CommitRecord | undefined {
    return this.commitCache.get(hash) ?? this.stagedCommits.get(hash)?.commit;
  }

  /**
   * Up to `n` commits of the first-parent chain from `hash` (itself first): from the cache while it has them, the
   * rest in one persistence read (a log page costs one query, not one per commit).
   */
  async firstParentChain(hash: string, n: number): Promise<CommitRecord[]> {
    const chain: CommitRecord[] = [];
    let next: string | undefined = hash;
    while (next !== undefined && chain.length < n) {
      const c = this.cachedCommit(next);
      if (!c) break;
      chain.push(c);
      next = c.parents[0];
    }
    if (next === undefined || chain.length >= n) return chain;
    const rest = await this.persist.firstParents(next, n - chain.length);
    if (rest.length === 0) throw new NoSuchReferenceError(next);
    for (const c of rest) remember(this.commitCache, c.hash, c);
    return chain.concat(rest);
  }

  /** True when new trie nodes may be stored as deltas of the nodes they were built from (tree/node-delta.ts). */
  get storesNodeDeltas(): boolean {
    return this.persist.storesNodeDeltas === true;
  }

  async node(id: string): Promise<TreeNode<Content>> {
    return this.heldNode(id) ?? this.parsedNode(id, await this.persist.getNode(id));
  }

  /**
   * Nodes in the order asked: the cached ones from memory, the rest in batches of `NODE_BATCH` (one query each where
   * the persistence reads several at once), so a walk over a tree the server has not read yet costs a few queries
   * per level of the trie rather than one per node.
   */
  async nodesOf(ids: readonly string[]): Promise<Array<TreeNode<Content>>> {
    const held = ids.map((id) => this.heldNode(id));
    const missing = ids.filter((_, i) => held[i] === undefined);
    const read = await this.bodiesOf(missing);
    // The bases of the nodes stored as deltas, read together too: on PostgreSQL one query per level of a walk rather
    // than a round trip per node.
    const bases = new Set<string>();
    for (const body of read.values()) {
      const base = body === undefined ? undefined : deltaBaseOf(body);
      if (base !== undefined && !read.has(base) && !this.heldNode(base)) bases.add(base);
    }
    for (const [id, body] of await this.bodiesOf([...bases])) read.set(id, body);
    const out: Array<TreeNode<Content>> = [];
    for (let i = 0; i < ids.length; i++) out.push(held[i] ?? (await this.parsedNode(ids[i], read.get(ids[i]), read)));
    return out;
  }

  /** Rows by id, `NODE_BATCH` per query where the persistence reads several at once. */
  private async bodiesOf(ids: readonly string[]): Promise<Map<string, string | undefined>> {
    const read = new Map<string, string | undefined>();
    for (let i = 0; i < ids.length; i += NODE_BATCH) {
      const batch = ids.slice(i, i + NODE_BATCH);
      if (this.persist.getNodes) for (const [id, body] of await this.persist.getNodes(batch)) read.set(id, body);
      else for (const id of batch) read.set(id, await this.persist.getNode(id));
    }
    return read;
  }

  /** A node in memory: cached, or staged by a write in flight. */
  private heldNode(id: string): TreeNode<Content> | undefined {
    return this.nodeCache.get(id) ?? this.stagedNodes.get(id)?.node;
  }

  /**
   * A node read from the persistence (`body` undefined: it has none by that id), parsed and cached; a node stored as
   * a delta is rebuilt from its base, read the same way (a node stored whole, one row further; `depth` only guards
   * against a store whose rows name each other, which no write of this store produces). `read` holds rows read
   * already.
   */
  private async parsedNode(
    id: string,
    body: string | undefined,
    read?: ReadonlyMap<string, string | undefined>,
    depth = 0,
  ): Promise<TreeNode<Content>> {
    if (body === undefined) throw new Error(`Corrupt store: tree node ${id} is missing`);
    let node: TreeNode<Content>;
    if (isNodeDelta(body)) {
      const delta = parseNodeDelta<Content>(body);
      if (depth >= MAX_DELTA_DEPTH)
        throw new Error(`Corrupt store: tree node ${id} is a delta of deltas past its bound`);
      const base =
        this.heldNode(delta.base) ??
        (await this.parsedNode(
          delta.base,
          read?.get(delta.base) ?? (await this.persist.getNode(delta.base)),
          read,
          depth + 1,
        ));
      node = applyNodeDelta(base, delta);
    } else {
      node = parseNode<Content>(body);
    }
    remember(this.nodeCache, id, node);
    return node;
  }

  /** Node reads for tree/hamt.ts over committed objects (reads only: writes go through a Draft). */
  readonly nodes: NodeIO<Content> = {
    get: (id) => this.node(id),
    getMany: (ids) => this.nodesOf(ids),
    put: () => {
      throw new Error('Committed trees are read-only; write through a Draft.');
    },
  };

  /** The merge-base walk's view of a commit. */
  readonly loadNode = (hash: string): Promise<LinkNode> => this.ancestorLinks(hash, -1, ANCESTRY_BATCH);

  /**
   * A commit's parents and generation (a full hash), from memory when held; otherwise read in one round trip together
   * with the ancestors a walk from it goes on to, up to `wanted` of them (at most `WALK_PAGE`), not below the parents
   * of commits at `floor` (see `Persistence.ancestorNodes`). A walk that stops early has read at most one page more
   * than it needed; one that goes deep reads a page per round trip instead of a commit.
   */
  async ancestorLinks(hash: string, floor: number, wanted: number): Promise<LinkNode> {
    const known = this.cachedCommit(hash) ?? this.ancestry.get(hash);
    if (known) return { parents: known.parents, generation: known.generation, commitTime: known.commitTime };
    const page = Math.max(1, Math.min(wanted, WALK_PAGE));
    let found: LinkNode | undefined;
    for (const n of await this.persist.ancestorNodes(hash, page, floor)) {
      const node = { parents: n.parents, generation: n.generation, commitTime: n.commitTime };
      remember(this.ancestry, n.hash, node, ANCESTRY_LIMIT);
      if (n.hash === hash) found = node;
    }
    if (!found) throw new NoSuchReferenceError(hash);
    return found;
  }

  /** A full hash, or a unique prefix of at least 8 hex digits, to the full hash of an existing commit. */
  async resolveHash(hash: string): Promise<string> {
    const h = hash.toLowerCase();
    if (!/^[0-9a-f]{8,64}$/.test(h)) throw new BadRequestError(`"${hash}" is not a commit hash (8 to 64 hex digits).`);
    if (h.length === 64) return (await this.commit(h)).hash;
    const found = await this.persist.commitsByPrefix(h, 2);
    if (found.length === 0) throw new NoSuchReferenceError(hash);
    if (found.length > 1) throw new BadRequestError(`Hash prefix "${hash}" is ambiguous; give more digits.`);
    return found[0];
  }

  /** Makes the objects of a write in flight readable until `settle(draft)`. */
  stage(draft: Draft): void {
    for (const [id, node] of draft.newNodes) hold(this.stagedNodes, id, { node, holds: 0 });
    for (const c of draft.newCommits) hold(this.stagedCommits, c.hash, { commit: c, holds: 0 });
  }

  /**
   * Ends `stage(draft)` once its write settled. The objects move to the bounded cache whether the write landed or
   * not: a planner that read them while the write was in flight may still be reading them, and its own write then
   * fails its compare-and-swap (its parent never became the head) and plans again. Only a caller that knows such a
   * hash can look one up, and none is ever handed out by a failed write.
   */
  settle(draft: Draft): void {
    this.learn(draft);
    for (const id of draft.newNodes.keys()) release(this.stagedNodes, id);
    for (const c of draft.newCommits) release(this.stagedCommits, c.hash);
  }

  /** Adds what a successful write stored, so the next reads need no round trip. */
  learn(draft: Draft): void {
    for (const [id, node] of draft.newNodes) remember(this.nodeCache, id, node);
    for (const c of draft.newCommits) remember(this.commitCache, c.hash, c);
  }
}

function remember<V>(cache: Map<string, V>, key: string, value: V, limit = CACHE_LIMIT): void {
  if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
}

function hold<V extends { holds: number }>(staged: Map<string, V>, key: string, fresh: V): void {
  const entry = staged.get(key) ?? fresh;
  entry.holds++;
  staged.set(key, entry);
}

function release<V extends { holds: number }>(staged: Map<string, V>, key: string): void {
  const entry = staged.get(key);
  if (entry && --entry.holds === 0) staged.delete(key);
}
