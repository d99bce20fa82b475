import { createHash } from 'node:crypto';

/**
 * A persistent, content-addressed hash array mapped trie: the materialized key→content view of one commit.
 *
 * Why this shape: a commit rewrites only the O(log32 n) nodes on the paths of the keys it touches, a branch is just a
 * pointer to a root, reading a key at any commit costs O(log32 n) node reads however long the history is, and because
 * the trie is canonical (its shape depends only on the set of entries, never on the order of edits) two equal maps
 * have the same root id, so a diff skips every shared subtree.
 *
 * Canonical rule: the set S of entries below a node at depth d is stored as a leaf when |S| <= LEAF_MAX, otherwise as
 * a branch whose slot i holds the entries whose key hash has i in its d-th group of 5 bits.
 */

export const LEAF_MAX = 32;
const FANOUT = 32;
const BITS = 5;

/** An entry as stored: the key's canonical id, its elements, and an opaque JSON value. */
export interface TreeEntry<V> {
  id: string;
  elements: string[];
  value: V;
}

export type TreeNode<V> =
  { kind: 'leaf'; entries: TreeEntry<V>[] } | { kind: 'branch'; count: number; children: Array<string | null> };

/** A node and its id. */
export interface IdentifiedNode<V> {
  id: string;
  node: TreeNode<V>;
}

/**
 * Where nodes live. `get` may read a database (async); `put` only records a new node (a store buffers them and writes
 * them in the commit's transaction) and must be idempotent (nodes are immutable and named by their hash).
 */
export interface NodeIO<V> {
  get(id: string): Promise<TreeNode<V>> | TreeNode<V>;
  /** Several nodes, in the order asked; where a store reads them in one round trip, a walk costs one per level. */
  getMany?(ids: readonly string[]): Promise<Array<TreeNode<V>>>;
  /**
   * `base`, when given, is the node (of the same kind) `node` was built from by changing a few entries or children (a
   * store may keep `node` as that change: node-delta.ts).
   */
  put(id: string, node: TreeNode<V>, base?: IdentifiedNode<V>): void;
}

/**
 * Serialized text of nodes and leaf entries, by object. Nodes and entries are never mutated once built, and a commit
 * rebuilds a leaf from the entries of the one before it plus the few it changed, so a leaf of 30 tables costs the
 * JSON of its one changed entry instead of all 30 (and a new node's text is computed once for its id and its row).
 */
const serialized = new WeakMap<object, string>();

export function serializeNode<V>(node: TreeNode<V>): string {
  let text = serialized.get(node);
  if (text === undefined) {
    // Byte for byte JSON.stringify({ l: entries.map((e) => [e.elements, e.value]) }), or of { b, n }.
    text =
      node.kind === 'leaf'
        ? `{"l":[${node.entries.map(entryJson).join(',')}]}`
        : JSON.stringify({ b: node.children, n: node.count });
    serialized.set(node, text);
  }
  return text;
}

function entryJson<V>(entry: TreeEntry<V>): string {
  let text = serialized.get(entry);
  if (text === undefined) serialized.set(entry, (text = JSON.stringify([entry.elements, entry.value])));
  return text;
}

export function parseNode<V>(text: string): TreeNode<V> {
  const raw = JSON.parse(text) as { l?: Array<[string[], V]>; b?: Array<string | null>; n?: number };
  if (Array.isArray(raw.l)) {
    return { kind: 'leaf', entries: raw.l.map(([elements, value]) => ({ id: entryId(elements), elements, value })) };
  }
  // Anything else is refused rather than read as an empty branch (a row of a shape this version does not know).
  if (!Array.isArray(raw.b) || typeof raw.n !== 'number')
    throw new Error('Corrupt store: a trie node of no known shape');
  return { kind: 'branch', count: raw.n, children: raw.b };
}

export function entryId(elements: string[]): string {
  return elements.join('\u0000');
}

export function nodeId(serialized: string): string {
  return createHash('sha256').update(serialized).digest('hex');
}

const EMPTY_LEAF: TreeNode<never> = { kind: 'leaf', entries: [] };
/** Root id of the empty map. */
export const EMPTY_TREE = nodeId(serializeNode(EMPTY_LEAF));

const hashCache = new Map<string, Buffer>();
function keyHash(id: string): Buffer {
  let h = hashCache.get(id);
  if (!h) {
    h = createHash('sha256').update(id).digest();
    if (hashCache.size > 100_000) hashCache.clear();
    hashCache.set(id, h);
  }
  return h;
}

/** The 5-bit group of the key's hash used at `depth`; past the hash's 256 bits every key lands in slot 0. */
function slotOf(id: string, depth: number): number {
  const bitOffset = depth * BITS;
  if (bitOffset + BITS > 256) return 0;
  const h = keyHash(id);
  const byte = bitOffset >> 3;
  const shift = bitOffset & 7;
  const window = (h[byte] << 8) | (byte + 1 < h.length ? h[byte + 1] : 0);
  return (window >> (16 - shift - BITS)) & (FANOUT - 1);
}

const MAX_DEPTH = Math.floor(256 / BITS);

/** The order of a leaf's entries (by entry id), which the canonical text depends on. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The node IO in use for EMPTY_TREE without a database row. */
async function load<V>(io: NodeIO<V>, id: string): Promise<TreeNode<V>> {
  return id === EMPTY_TREE ? (EMPTY_LEAF as TreeNode<V>) : io.get(id);
}

function store<V>(io: NodeIO<V>, node: TreeNode<V>, base?: IdentifiedNode<V>): string {
  const text = serializeNode(node);
  const id = nodeId(text);
  if (id !== EMPTY_TREE) io.put(id, node, base && base.id !== id && base.id !== EMPTY_TREE ? base : undefined);
  return id;
}

/** Reads one key. */
export async function treeGet<V>(io: NodeIO<V>, root: string, elements: string[]): Promise<V | undefined> {
  const id = entryId(elements);
  let node = await load(io, root);
  let depth = 0;
  for (;;) {
    if (node.kind === 'leaf') return node.entries.find((e) => e.id === id)?.value;
    const child = node.children[slotOf(id, depth)];
    if (!child) return undefined;
    node = await load(io, child);
    depth++;
  }
}

/** Every entry under `root`, unordered. */
export async function treeEntries<V>(io: NodeIO<V>, root: string): Promise<TreeEntry<V>[]> {
  const out: TreeEntry<V>[] = [];
  // Level by level (the entries come in no particular order): a store that reads many nodes at once reads a level
  // of the trie in one round trip instead of one per node.
  for (let level = [root]; level.length > 0;) {
    const next: string[] = [];
    for (const node of await loadAll(io, level)) {
      if (node.kind === 'leaf') for (const e of node.entries) out.push(e);
      else for (const c of node.children) if (c) next.push(c);
    }
    level = next;
  }
  return out;
}

async function loadAll<V>(io: NodeIO<V>, ids: string[]): Promise<Array<TreeNode<V>>> {
  if (!io.getMany || (ids.length === 1 && ids[0] === EMPTY_TREE)) return Promise.all(ids.map((id) => load(io, id)));
  return io.getMany(ids);
}

function countOf<V>(node: TreeNode<V>): number {
  return node.kind === 'leaf' ? node.entries.length : node.count;
}

/** Builds the canonical subtree for a set of entries at `depth` (a leaf built from the leaf `base`); returns its id. */
function build<V>(io: NodeIO<V>, entries: TreeEntry<V>[], depth: number, base?: IdentifiedNode<V>): string {
  if (entries.length <= LEAF_MAX || depth >= MAX_DEPTH) {
    return store(io, { kind: 'leaf', entries: [...entries].sort((a, b) => compareIds(a.id, b.id)) }, base);
  }
  const buckets: TreeEntry<V>[][] = Array.from({ length: FANOUT }, () => []);
  for (const e of entries) buckets[slotOf(e.id, depth)].push(e);
  const children = buckets.map((b) => (b.length ? build(io, b, depth + 1) : null));
  return store(io, { kind: 'branch', count: entries.length, children });
}

/**
 * Applies changes (entry id → new entry, or null to delete) and returns the new root id. Untouched subtrees are
 * shared with the old root.
 */
export async function treeApply<V>(
  io: NodeIO<V>,
  root: string,
  changes: Map<string, TreeEntry<V> | null>,
): Promise<string> {
  if (changes.size === 0) return root;
  return (await applyAt(io, root, [...changes.entries()], 0)).id;
}

async function applyAt<V>(
  io: NodeIO<V>,
  id: string,
  changes: Array<[string, TreeEntry<V> | null]>,
  depth: number,
): Promise<{ id: string; count: number }> {
  const node = await load(io, id);
  if (node.kind === 'leaf') {
    const map = new Map(node.entries.map((e) => [e.id, e]));
    for (const [k, v] of changes) {
      if (v) map.set(k, v);
      else map.delete(k);
    }
    const entries = [...map.values()];
    return { id: build(io, entries, depth, { id, node }), count: entries.length };
  }
  const bySlot = new Map<number, Array<[string, TreeEntry<V> | null]>>();
  for (const change of changes) {
    const slot = slotOf(change[0], depth);
    let list = bySlot.get(slot);
    if (!list) bySlot.set(slot, (list = []));
    list.push(change);
  }
  const children = [...node.children];
  let count = node.count;
  for (const [slot, list] of bySlot) {
    const child = children[slot];
    const before = child ? countOf(await load(io, child)) : 0;
    const next = await applyAt(io, child ?? EMPTY_TREE, list, depth + 1);
    children[slot] = next.count === 0 ? null : next.id;
    count += next.count - before;
  }
  if (count <= LEAF_MAX) {
    // Collapse to keep the trie canonical: a small set is always a leaf.
    const entries: TreeEntry<V>[] = [];
    for (const c of children) if (c) entries.push(...(await treeEntries(io, c)));
    return { id: build(io, entries, depth), count: entries.length };
  }
  return { id: store(io, { kind: 'branch', count, children }, { id, node }), count };
}

export interface TreeDiffEntry<V> {
  id: string;
  elements: string[];
  from: V | undefined;
  to: V | undefined;
}

/**
 * Entries that differ between two roots. Shared subtrees (equal ids) are skipped without being read, so the cost
 * follows the size of the change, not the size of the map.
 */
export async function treeDiff<V>(
  io: NodeIO<V>,
  fromRoot: string,
  toRoot: string,
  equal: (a: V, b: V) => boolean,
): Promise<TreeDiffEntry<V>[]> {
  const out: TreeDiffEntry<V>[] = [];
  const walk = async (a: string | null, b: string | null): Promise<void> => {
    if (a === b) return;
    const na = a ? await load(io, a) : null;
    const nb = b ? await load(io, b) : null;
    if (na?.kind === 'branch' && nb?.kind === 'branch') {
      for (let i = 0; i < FANOUT; i++) await walk(na.children[i] ?? null, nb.children[i] ?? null);
      return;
    }
    const left = new Map((a ? await treeEntries(io, a) : []).map((e) => [e.id, e]));
    const right = new Map((b ? await treeEntries(io, b) : []).map((e) => [e.id, e]));
    for (const [k, l] of left) {
      const r = right.get(k);
      if (!r) out.push({ id: k, elements: l.elements, from: l.value, to: undefined });
      else if (!equal(l.value, r.value)) out.push({ id: k, elements: l.elements, from: l.value, to: r.value });
    }
    for (const [k, r] of right) {
      if (!left.has(k)) out.push({ id: k, elements: r.elements, from: undefined, to: r.value });
    }
  };
  await walk(fromRoot, toRoot);
  return out;
}
