import { entryId, type TreeEntry, type TreeNode } from './hamt.ts';

/**
 * How a trie leaf may be stored as the few entries that changed since the leaf it was built from (its base), instead
 * of all of them.
 *
 * Why: a commit rewrites the leaf holding each key it changes, and a leaf holds up to 32 tables, so a commit to one
 * table of a catalog of 30 wrote a 7 KB row (the leaf) for a change of one entry of about 230 bytes: most of what a
 * commit's transaction wrote and most of what the catalog grew by. A delta row names its base and carries only the
 * entries set and the keys removed. The leaf's id is still the hash of its full canonical text (hamt.ts), so commits,
 * their hashes and diffs are unchanged; only the row's body differs. Chains are bounded: a delta's base is at most
 * `MAX_CHAIN - 1` deltas away from a full leaf, so a leaf read cold costs at most `MAX_CHAIN + 1` row reads.
 *
 * Body: `{"d":<base id>,"k":<chain length>,"s":[[elements, value], …],"r":[elements, …]}`.
 */

/** Deltas in a row before a leaf is stored whole again. */
export const MAX_CHAIN = 16;

/** A delta row's parts. */
export interface LeafDelta<V> {
  base: string;
  /** This leaf's place in its chain: 1 for a delta of a full leaf. */
  chain: number;
  set: Array<TreeEntry<V>>;
  removed: string[][];
}

/** Chain lengths of leaves read from or written as deltas (full leaves are absent: 0). */
const chains = new WeakMap<object, number>();

/** How many deltas lie between `node` and a full leaf (0 for a full one). */
export function chainOf(node: TreeNode<unknown>): number {
  return chains.get(node) ?? 0;
}

/** Records that `node` will be (or was) stored as the `chain`-th delta of a chain. */
export function setChain(node: TreeNode<unknown>, chain: number): void {
  if (chain > 0) chains.set(node, chain);
  else chains.delete(node);
}

/** True when `body` is a delta row rather than a full node. */
export function isLeafDelta(body: string): boolean {
  return body.startsWith('{"d":');
}

/**
 * The delta that turns `base` into `next` (both leaves), as a row's body; undefined when it would not be at most half
 * the size of `full` (`next`'s own body), where storing the leaf whole costs about as much and ends the chain.
 * Entries `next` shares with `base` are the same objects (a commit copies the base's entries and replaces the ones it
 * changes), so an unchanged entry is found without comparing values; an equal value in a new object is written again.
 *
 * @example encodeLeafDelta(baseId, base, next, serializeNode(next), chainOf(base) + 1)
 */
export function encodeLeafDelta<V>(
  baseId: string,
  base: TreeNode<V>,
  next: TreeNode<V>,
  full: string,
  chain: number,
): string | undefined {
  if (base.kind !== 'leaf' || next.kind !== 'leaf') return undefined;
  const before = new Map(base.entries.map((e) => [e.id, e]));
  const set: string[] = [];
  for (const e of next.entries) {
    if (before.get(e.id) !== e) set.push(JSON.stringify([e.elements, e.value]));
    before.delete(e.id);
  }
  const removed = [...before.values()].map((e) => JSON.stringify(e.elements));
  const body = `{"d":${JSON.stringify(baseId)},"k":${chain},"s":[${set.join(',')}],"r":[${removed.join(',')}]}`;
  return body.length * 2 <= full.length ? body : undefined;
}

/** Reads a delta row's parts (see {@link isLeafDelta}). */
export function parseLeafDelta<V>(body: string): LeafDelta<V> {
  const raw = JSON.parse(body) as { d?: unknown; k?: unknown; s?: unknown; r?: unknown };
  if (typeof raw.d !== 'string' || typeof raw.k !== 'number' || !Array.isArray(raw.s) || !Array.isArray(raw.r)) {
    throw new Error('Corrupt store: a trie leaf delta without its base, chain, set or removed entries');
  }
  return {
    base: raw.d,
    chain: raw.k,
    set: (raw.s as Array<[string[], V]>).map(([elements, value]) => ({ id: entryId(elements), elements, value })),
    removed: raw.r as string[][],
  };
}

/** The full leaf a delta stands for, given its base (a leaf); entries in id order, as a canonical leaf keeps them. */
export function applyLeafDelta<V>(base: TreeNode<V>, delta: LeafDelta<V>): TreeNode<V> {
  if (base.kind !== 'leaf') throw new Error(`Corrupt store: the base ${delta.base} of a leaf delta is not a leaf`);
  const entries = new Map(base.entries.map((e) => [e.id, e]));
  for (const elements of delta.removed) entries.delete(entryId(elements));
  for (const e of delta.set) entries.set(e.id, e);
  const node: TreeNode<V> = {
    kind: 'leaf',
    entries: [...entries.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
  setChain(node, delta.chain);
  return node;
}
