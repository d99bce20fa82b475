import type { CommitWithOperations, JournaledFile, ReferenceType, ReflogEntry } from '../types.ts';

export type { JournaledFile };

/** An operation as a commit records it (content ids assigned). */
export type StoredOperation = CommitWithOperations['operations'][number];

/** A commit as persisted. Immutable once written; named by the hash of its fields (see core/commit-records.ts). */
export interface CommitRecord {
  hash: string;
  /** First parent, then the merged source head for a merge commit; empty for the root. */
  parents: string[];
  /** Root id of the commit's key→content trie (tree/hamt.ts). */
  tree: string;
  generation: number;
  author: string;
  committer: string;
  message: string;
  authorTime: string;
  commitTime: string;
  /** `commitTime` in epoch milliseconds, for `ref*timestamp` lookups. */
  commitMs: number;
  properties: Record<string, string>;
  operations: StoredOperation[];
}

export interface RefRecord {
  name: string;
  type: ReferenceType;
  head: string;
}

/** A reflog line with its position (ids grow with every ref move; pages walk them downwards). */
export interface ReflogRecord extends ReflogEntry {
  id: number;
}

/**
 * The ref change a write transaction ends with. Each is a compare-and-swap: `create` only if the name is free,
 * `move` and `delete` only if the ref is still at `from`.
 */
export type RefUpdate =
  | { kind: 'create'; name: string; type: ReferenceType; head: string }
  | { kind: 'move'; name: string; type: ReferenceType; from: string; to: string; operation: ReflogEntry['operation'] }
  | { kind: 'delete'; name: string; type: ReferenceType; from: string };

/** Everything one store operation writes: new immutable objects, then the ref compare-and-swap and its reflog line. */
export interface WriteBatch {
  /** Files whose durability this write carries (see `JournaledFile`); only where `journalsFiles` is true. */
  files?: JournaledFile[];
  /**
   * Serialized trie nodes by id; a node already present is left as it is. A node whose `body` is a delta
   * (tree/node-delta.ts) names its `base` and carries its `whole` text: the backend stores the whole text instead when
   * it holds no row by that id, so a delta is only ever stored beside its base (never deleted, like every object).
   */
  nodes: Array<
    { id: string; body: string; base?: undefined } | { id: string; body: string; base: string; whole: string }
  >;
  /** New commits, parents before children; a commit already present is left as it is. */
  commits: CommitRecord[];
  ref: RefUpdate;
  /** When the ref moved (ISO-8601), for the reflog. */
  at: string;
}

/**
 * The persistence port under the backend-neutral store core (core/version-store.ts): content-addressed objects
 * (commits, trie nodes) that never change once written, and mutable refs that only move by compare-and-swap.
 * Backends: SQLite (store/sqlite/) and PostgreSQL (store/postgres/).
 *
 * The core reads whatever it needs outside any transaction, then hands one `WriteBatch` to `write`, which the backend
 * applies as ONE transaction ending in the ref compare-and-swap. When the ref moved meanwhile, nothing is written
 * and `write` answers false; the core re-reads and decides again (retry or conflict). So no decision is ever based on
 * a read from another transaction without the compare-and-swap checking it still holds.
 *
 * @example if (!(await persist.write({ nodes, commits: [c], ref: { kind: 'move', name: 'main', type: 'BRANCH', from, to: c.hash, operation: 'COMMIT' }, at }))) retry()
 */
/** A commit as a walk down the history sees it: its parents, generation and commit time (newest-first order). */
export interface AncestorNode {
  hash: string;
  parents: string[];
  generation: number;
  commitTime: string;
}

export interface Persistence {
  /**
   * True when the writes of one ref are applied in the order `write` was called, each seeing the effects of those
   * before it (SQLite: one connection, one queue; PostgreSQL: a queue per ref). The core then plans a commit on top of
   * a write still in flight, so commits to one branch can share a transaction; it waits for the write to settle
   * otherwise.
   */
  readonly appliesWritesInOrder?: boolean;
  /**
   * True when a write batch may carry `files` (SQLite): they are kept with the commit, in its transaction, until
   * `forgetFiles`. Elsewhere the catalog makes each file durable before committing.
   */
  readonly journalsFiles?: boolean;
  /**
   * True when new trie nodes may be written as deltas (tree/node-delta.ts): a node read cold then costs two reads one
   * after the other (a walk reads a level's bases in one more query). Such a backend stores a delta only where its
   * base is stored, checked in the write's transaction (see `WriteBatch.nodes`).
   */
  readonly storesNodeDeltas?: boolean;
  /** Up to `limit` journaled files not yet forgotten, in location order after `after` (recovery after a crash). */
  pendingFiles?(limit: number, after?: string): Promise<JournaledFile[]>;
  /** Forgets journaled files once they are durable in storage. */
  forgetFiles?(locations: string[]): Promise<void>;
  getCommit(hash: string): Promise<CommitRecord | undefined>;
  /** The commits of those `hashes` that exist, in any order, in one round trip (a page of the commit graph). */
  getCommits(hashes: readonly string[]): Promise<CommitRecord[]>;
  /**
   * Up to `limit` commits of the first-parent chain that starts at `hash` (itself first, then its first parent, …), in
   * one round trip; empty when `hash` is unknown. The log reads a page this way instead of one query per commit.
   */
  firstParents(hash: string, limit: number): Promise<CommitRecord[]>;
  /**
   * Up to `limit` ancestors of `hash` through both parents (itself included), each once, the nearest ones (breadth
   * first), answered highest generation first, with only what a walk down the history needs; one round trip. A walk
   * over a history the server has not read yet (after a restart, on another replica) reads its commits this way
   * instead of one query per commit. With `floor`, the parents of a commit at or below that generation are not
   * followed (the commit itself is answered): a reachability walk looking for a commit of generation `floor` never
   * goes below it, so reading further would be wasted.
   */
  ancestorNodes(hash: string, limit: number, floor?: number): Promise<AncestorNode[]>;
  /** Up to `limit` full hashes starting with `prefix` (lower-case hex). */
  commitsByPrefix(prefix: string, limit: number): Promise<string[]>;
  /** A trie node's serialized body. */
  getNode(id: string): Promise<string | undefined>;
  /** Several trie nodes' bodies by id, in one round trip; ids not found are left out. */
  getNodes?(ids: readonly string[]): Promise<Map<string, string>>;
  getRef(name: string): Promise<RefRecord | undefined>;
  /** All refs, by name. */
  listRefs(): Promise<RefRecord[]>;
  /**
   * Up to `limit` refs in (type, name) order — branches before tags, names in code-point order — starting after
   * `after` (from the first when absent); served by the (type, name) index, so a page costs its size.
   */
  listRefsAfter(after: { type: ReferenceType; name: string } | undefined, limit: number): Promise<RefRecord[]>;
  /** Reflog lines with `id < beforeId`, newest first; only `refName`'s when given. */
  reflog(opts: { refName?: string; beforeId: number; limit: number }): Promise<ReflogRecord[]>;
  /** Commits in (generation, hash) order after `after`, parents always before children; for copying a catalog. */
  scanCommits(after: { generation: number; hash: string } | undefined, limit: number): Promise<CommitRecord[]>;
  /** Trie nodes in id order after `afterId`; for copying a catalog. */
  scanNodes(afterId: string, limit: number): Promise<Array<{ id: string; body: string }>>;
  /** Reflog lines with `id > afterId`, oldest first; for copying a catalog. */
  scanReflog(afterId: number, limit: number): Promise<ReflogRecord[]>;
  /** Forgets every reflog line; for copying a catalog into a fresh database, before `importReflog`. */
  clearReflog(): Promise<void>;
  /**
   * Inserts reflog lines as they are (ids, times) in one transaction; for copying a catalog. The ids must be free;
   * lines written afterwards get larger ids.
   */
  importReflog(lines: ReflogRecord[]): Promise<void>;
  /** Stores immutable objects without moving any ref (objects already present are left as they are). */
  putObjects(objects: Pick<WriteBatch, 'nodes' | 'commits'>): Promise<void>;
  /** Applies `batch` in one transaction; false (nothing written) when the ref compare-and-swap fails. */
  write(batch: WriteBatch): Promise<boolean>;
  close(): Promise<void>;
}
