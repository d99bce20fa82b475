import { compareIds, entryId, type IdentifiedNode, type TreeEntry, type TreeNode } from './hamt.ts';

/**
 * How a trie node may be stored as what changed since a node stored whole (its base), instead of whole itself.
 *
 * Why: a commit rewrites every node on the path to each key it changes. A leaf holds up to 32 tables and a branch
 * names up to 32 children, so a commit to one table of a catalog of 30 wrote a 7 KB row (the leaf), and of a catalog
 * of 1,000 that leaf and a 2 KB branch, for a change of one entry of about 230 bytes: most of what a commit's
 * transaction wrote and most of what the catalog grew by. A delta row names its base and carries only the difference:
 * a leaf's entries set and keys removed, a branch's children replaced and its count. The node's id is still the hash
 * of its full canonical text (hamt.ts), so commits, their hashes and diffs are unchanged; only the row's body differs.
 *
 * The base is the last node of its line stored whole, never another delta, so a node read cold costs two row reads
 * (and holds one more node in the cache), however long its history: a chain of deltas, each on the one before, was
 * smaller on disk but made a cold walk of a much-changed 10,000-table catalog 4–5 times slower. A delta grows with the
 * entries changed since its base, so once it would pass half the node's size the node is stored whole and becomes the
 * base of the next ones. A table committed to again and again keeps its deltas one entry long.
 *
 * Bodies: a leaf `{"d":<base id>,"s":[[elements, value], …],"r":[elements, …]}`, a branch
 * `{"d":<base id>,"c":[[slot, child id or null], …],"n":<entries below>}`.
 */

/** A delta row's parts. */
export type NodeDelta<V> = { base: string } & (
  | { kind: 'leaf'; set: Array<TreeEntry<V>>; removed: string[][] }
  | { kind: 'branch'; children: Array<[number, string | null]>; count: number }
);

/** For nodes read from or written as deltas: the node stored whole their row is a delta of. */
const bases = new WeakMap<object, IdentifiedNode<unknown>>();

/**
 * The node stored whole that a delta of `node` (known by `id`) should be taken against: the base of `node`'s own row
 * when that is a delta, else `node` itself.
 */
export function wholeBaseOf<V>(id: string, node: TreeNode<V>): IdentifiedNode<V> {
  return (bases.get(node) as IdentifiedNode<V> | undefined) ?? { id, node };
}

/** Records that `node`'s row is a delta of `base` (a node stored whole). */
export function setWholeBase<V>(node: TreeNode<V>, base: IdentifiedNode<V>): void {
  bases.set(node, base);
}

/** True when `body` is a delta row rather than a whole node. */
export function isNodeDelta(body: string): boolean {
  return body.startsWith('{"d":');
}

/** The base a delta row names, without parsing the rest (ids are hex digits); undefined for a whole node. */
export function deltaBaseOf(body: string): string | undefined {
  if (!isNodeDelta(body)) return undefined;
  const end = body.indexOf('"', 6);
  return end > 6 ? body.slice(6, end) : undefined;
}

/**
 * The delta that turns `base` into `next` (nodes of one kind), as a row's body; undefined when it would not be at most
 * half the size of `full` (`next`'s own body), where storing the node whole costs about as much and starts a new line.
 * Entries `next` shares with a base leaf are the same objects (a commit copies the base's entries and replaces the
 * ones it changes), so an unchanged entry is found without comparing values; an equal value in a new object is
 * written again.
 *
 * @example encodeNodeDelta(base.id, base.node, next, serializeNode(next))
 */
export function encodeNodeDelta<V>(
  baseId: string,
  base: TreeNode<V>,
  next: TreeNode<V>,
  full: string,
): string | undefined {
  const head = `{"d":${JSON.stringify(baseId)},`;
  let body: string;
  if (base.kind === 'leaf' && next.kind === 'leaf') {
    const before = new Map(base.entries.map((e) => [e.id, e]));
    const set: string[] = [];
    for (const e of next.entries) {
      if (before.get(e.id) !== e) set.push(JSON.stringify([e.elements, e.value]));
      before.delete(e.id);
    }
    const removed = [...before.values()].map((e) => JSON.stringify(e.elements));
    body = `${head}"s":[${set.join(',')}],"r":[${removed.join(',')}]}`;
  } else if (base.kind === 'branch' && next.kind === 'branch') {
    const changed: Array<[number, string | null]> = [];
    const slots = Math.max(base.children.length, next.children.length);
    for (let i = 0; i < slots; i++) {
      const child = next.children[i] ?? null;
      if ((base.children[i] ?? null) !== child) changed.push([i, child]);
    }
    body = `${head}"c":${JSON.stringify(changed)},"n":${next.count}}`;
  } else {
    return undefined;
  }
  return body.length * 2 <= full.length ? body : undefined;
}

/** Reads a delta row's parts (see {@link isNodeDelta}). */
export function parseNodeDelta<V>(body: string): NodeDelta<V> {
  const raw = JSON.parse(body) as { d?: unknown; s?: unknown; r?: unknown; c?: unknown; n?: unknown };
  if (typeof raw.d !== 'string') throw new Error('Corrupt store: a trie node delta without its base');
  if (Array.isArray(raw.s) && Array.isArray(raw.r)) {
    return {
      kind: 'leaf',
      base: raw.d,
      set: (raw.s as Array<[string[], V]>).map(([elements, value]) => ({ id: entryId(elements), elements, value })),
      removed: raw.r as string[][],
    };
  }
  if (Array.isArray(raw.c) && typeof raw.n === 'number') {
    return {
      kind: 'branch',
      base: raw.d,
      children: raw.c as Array<[number, string | null]>,
      count: raw.n,
    };
  }
  throw new Error('Corrupt store: a trie node delta of no known shape');
}

/**
 * The whole node a delta stands for, given its base (a node of the same kind, by `delta.base`): as hamt.ts builds it,
 * remembering the base a delta of it is to be taken against.
 */
export function applyNodeDelta<V>(base: TreeNode<V>, delta: NodeDelta<V>): TreeNode<V> {
  if (base.kind !== delta.kind) {
    throw new Error(`Corrupt store: the base ${delta.base} of a ${delta.kind} delta is a ${base.kind}`);
  }
  let node: TreeNode<V>;
  if (delta.kind === 'leaf') {
    const entries = new Map((base as Extract<TreeNode<V>, { kind: 'leaf' }>).entries.map((e) => [e.id, e]));
    for (const elements of delta.removed) entries.delete(entryId(elements));
    for (const e of delta.set) entries.set(e.id, e);
    const sorted = [...entries.values()].sort((a, b) => compareIds(a.id, b.id));
    node = { kind: 'leaf', entries: sorted };
  } else {
    const children = [...(base as Extract<TreeNode<V>, { kind: 'branch' }>).children];
    for (const [slot, child] of delta.children) children[slot] = child;
    node = { kind: 'branch', count: delta.count, children };
  }
  setWholeBase(node, wholeBaseOf(delta.base, base));
  return node;
}
