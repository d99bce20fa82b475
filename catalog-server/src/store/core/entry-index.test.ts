import assert from 'node:assert/strict';
import {
  EMPTY_TREE,
  entryId,
  treeApply,
  treeEntries,
  type NodeIO,
  type TreeEntry,
  type TreeNode,
} from '../tree/hamt.ts';
import { EntryIndexes, prefixRange, withChanges } from './entry-index.ts';

function memoryIO(): NodeIO<number> {
  const nodes = new Map<string, TreeNode<number>>();
  return {
    get: (id) => {
      const n = nodes.get(id);
      if (!n) throw new Error(`missing node ${id}`);
      return n;
    },
    put: (id, n) => void nodes.set(id, n),
  };
}

const entry = (elements: string[], value = 0): TreeEntry<number> => ({ id: entryId(elements), elements, value });
const ids = (entries: readonly TreeEntry<number>[]) => entries.map((e) => e.elements.join('.'));

/** A deterministic pseudo-random sequence so failures reproduce. */
function rng(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

async function sortedByWalk(io: NodeIO<number>, tree: string, keep = (_: number) => true): Promise<string[]> {
  const entries = (await treeEntries(io, tree)).filter((e) => keep(e.value));
  return ids(entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
}

/** Tree `a` holds x and y; `b` adds z to it. */
async function twoTrees(): Promise<{ io: NodeIO<number>; a: string; b: string }> {
  const io = memoryIO();
  const a = await treeApply(
    io,
    EMPTY_TREE,
    new Map([
      ['x', entry(['x'])],
      ['y', entry(['y'])],
    ]),
  );
  return { io, a, b: await treeApply(io, a, new Map([['z', entry(['z'])]])) };
}

describe('entry index: a tree’s entries in key order', () => {
  it('applies changes in one pass: adds, replaces and removes anywhere, in any order of the changes', () => {
    const sorted = [entry(['b']), entry(['d']), entry(['f'])];
    const out = withChanges(sorted, [
      { id: 'g', elements: ['g'], from: undefined, to: 1 },
      { id: 'a', elements: ['a'], from: undefined, to: 1 },
      { id: 'd', elements: ['d'], from: 0, to: undefined },
      { id: 'f', elements: ['f'], from: 0, to: 7 },
      { id: 'c', elements: ['c'], from: undefined, to: 1 },
    ]);
    assert.deepEqual(ids(out), ['a', 'b', 'c', 'f', 'g']);
    assert.equal(out.find((e) => e.id === 'f')!.value, 7);
    assert.deepEqual(ids(sorted), ['b', 'd', 'f'], 'the base is left as it was');
  });

  it('applies thousands of changes at once (joined in rounds) like one at a time', () => {
    const name = (i: number) => `k${String(i).padStart(6, '0')}`;
    const sorted = Array.from({ length: 10_000 }, (_, i) => entry([name(2 * i)]));
    const changes = [
      ...Array.from({ length: 5_000 }, (_, i) => ({
        id: name(4 * i),
        elements: [name(4 * i)],
        from: 0,
        to: undefined,
      })),
      ...Array.from({ length: 6_000 }, (_, i) => ({
        id: name(2 * i + 1),
        elements: [name(2 * i + 1)],
        from: undefined,
        to: 1,
      })),
    ];
    const expected = new Map(sorted.map((e) => [e.id, e]));
    for (const c of changes) {
      if (c.to === undefined) expected.delete(c.id);
      else expected.set(c.id, entry(c.elements, c.to));
    }
    assert.deepEqual(
      ids(withChanges(sorted, changes)),
      ids([...expected.values()].sort((a, b) => (a.id < b.id ? -1 : 1))),
    );
  });

  it('finds the entries under a prefix: the key itself and every key it starts, not its look-alikes', () => {
    const sorted = [['d'], ['db'], ['db', 'a'], ['db', 'a', 'deep'], ['db', 't'], ['db\u0001x'], ['db2', 'a'], ['dc']]
      .map((e) => entry(e))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const under = (prefix: string[]) => {
      const [from, to] = prefixRange(sorted, prefix);
      return ids(sorted.slice(from, to));
    };
    assert.deepEqual(under(['db']), ['db', 'db.a', 'db.a.deep', 'db.t']);
    assert.deepEqual(under(['db', 'a']), ['db.a', 'db.a.deep']);
    assert.deepEqual(under(['db2']), ['db2.a']);
    assert.deepEqual(under(['nope']), []);
    assert.equal(under([]).length, sorted.length);
  });

  it('derives each new tree from the last one indexed and always matches a full walk', async () => {
    const io = memoryIO();
    const indexes = new EntryIndexes<number>();
    // An index of some values only: entries whose value changes to an odd one leave it.
    const evens = new EntryIndexes<number>(undefined, (v) => v % 2 === 0);
    const random = rng(7);
    let tree = EMPTY_TREE;
    const trees: string[] = [tree];
    for (let step = 0; step < 60; step++) {
      const changes = new Map<string, TreeEntry<number> | null>();
      // Bursts large enough to restructure the trie (leaves splitting and collapsing), on nested keys.
      for (let k = 0; k < 1 + Math.floor(random() * 80); k++) {
        const elements = [`ns${Math.floor(random() * 4)}`, `t${Math.floor(random() * 300)}`];
        changes.set(entryId(elements), random() < 0.3 ? null : entry(elements, step));
      }
      const parent = tree;
      tree = await treeApply(io, tree, changes);
      trees.push(tree);
      // Every other tree is listed, so derivations span one or two steps, from the parent or the latest index.
      if (step % 2 === 0) {
        assert.deepEqual(
          ids(await indexes.sortedEntries(io, tree, async () => parent)),
          await sortedByWalk(io, tree),
          `step ${step}`,
        );
        assert.deepEqual(
          ids(await evens.sortedEntries(io, tree, async () => parent)),
          await sortedByWalk(io, tree, (v) => v % 2 === 0),
          `even values, step ${step}`,
        );
      }
    }
    // Older trees, derived backwards from the newest index, and an unrelated hint.
    for (const t of [trees[10], trees[3], trees[0], trees[31]])
      assert.deepEqual(ids(await indexes.sortedEntries(io, t, async () => 'no-such-tree')), await sortedByWalk(io, t));
  });

  it('keeps no more entries than its limit, dropping the least recently used index first', async () => {
    const { io, a, b } = await twoTrees();
    const indexes = new EntryIndexes<number>(4);
    const first = await indexes.sortedEntries(io, a);
    assert.equal(await indexes.sortedEntries(io, a), first, 'a second listing of the same tree is the cached index');
    await indexes.sortedEntries(io, b); // 2 + 3 entries: over the limit, so the index of `a` goes
    assert.notEqual(await indexes.sortedEntries(io, a), first);
    assert.deepEqual(ids(await indexes.sortedEntries(io, b)), ['x', 'y', 'z']);
  });

  it('counts a tree listed twice at once only once', async () => {
    const { io, a, b } = await twoTrees();
    const indexes = new EntryIndexes<number>(5);
    // Both miss and both keep their result: were the second counted on top of the first, `b` (3) would no longer fit
    // beside `a` (2) and one of them would be dropped (or the cache would try to drop more than it holds).
    await Promise.all([indexes.sortedEntries(io, a), indexes.sortedEntries(io, a)]);
    const first = await indexes.sortedEntries(io, a);
    await indexes.sortedEntries(io, b);
    assert.equal(await indexes.sortedEntries(io, a), first, 'the index of `a` is still held');
  });
});
