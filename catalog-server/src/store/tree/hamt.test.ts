import assert from 'node:assert/strict';
import {
  EMPTY_TREE,
  entryId,
  treeApply,
  treeDiff,
  treeEntries,
  treeGet,
  serializeNode,
  parseNode,
  type NodeIO,
  type TreeEntry,
  type TreeNode,
} from './hamt.ts';

function memoryIO(): NodeIO<number> & { nodes: Map<string, TreeNode<number>> } {
  const nodes = new Map<string, TreeNode<number>>();
  return {
    nodes,
    get: (id) => {
      const n = nodes.get(id);
      if (!n) throw new Error(`missing node ${id}`);
      return n;
    },
    put: (id, n) => void nodes.set(id, n),
  };
}

function entry(name: string, value: number): TreeEntry<number> {
  const elements = ['ns', name];
  return { id: entryId(elements), elements, value };
}

/** A deterministic pseudo-random sequence so failures reproduce. */
function rng(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('content-addressed HAMT', async () => {
  it('matches a plain Map under random puts and deletes', async () => {
    const io = memoryIO();
    const model = new Map<string, number>();
    const rand = rng(7);
    let root = EMPTY_TREE;
    for (let round = 0; round < 300; round++) {
      const changes = new Map<string, TreeEntry<number> | null>();
      for (let i = 0; i < 1 + Math.floor(rand() * 20); i++) {
        const name = `t${Math.floor(rand() * 400)}`;
        const e = entry(name, round);
        if (rand() < 0.3) {
          changes.set(e.id, null);
          model.delete(name);
        } else {
          changes.set(e.id, e);
          model.set(name, round);
        }
      }
      root = await treeApply(io, root, changes);
    }
    const all = await treeEntries(io, root);
    assert.equal(all.length, model.size);
    for (const [name, v] of model) assert.equal(await treeGet(io, root, ['ns', name]), v);
    assert.equal(await treeGet(io, root, ['ns', 'absent']), undefined);
  });

  it('is canonical: the same set gives the same root whatever the edit order', async () => {
    const io = memoryIO();
    const names = Array.from({ length: 500 }, (_, i) => `t${i}`);
    const forward = await treeApply(io, EMPTY_TREE, new Map(names.map((n) => [entry(n, 1).id, entry(n, 1)])));
    let oneByOne = EMPTY_TREE;
    for (const n of [...names].reverse())
      oneByOne = await treeApply(io, oneByOne, new Map([[entry(n, 1).id, entry(n, 1)]]));
    assert.equal(forward, oneByOne);
    // Deleting everything but a few returns to the root of that small set.
    const keep = names.slice(0, 3);
    const shrunk = await treeApply(io, forward, new Map(names.slice(3).map((n) => [entry(n, 1).id, null])));
    const direct = await treeApply(io, EMPTY_TREE, new Map(keep.map((n) => [entry(n, 1).id, entry(n, 1)])));
    assert.equal(shrunk, direct);
    const empty = await treeApply(io, shrunk, new Map(keep.map((n) => [entry(n, 1).id, null])));
    assert.equal(empty, EMPTY_TREE);
  });

  it('diffs only what changed, and touches few nodes for a one-key change', async () => {
    const io = memoryIO();
    const names = Array.from({ length: 5000 }, (_, i) => `t${i}`);
    const a = await treeApply(io, EMPTY_TREE, new Map(names.map((n) => [entry(n, 1).id, entry(n, 1)])));
    const before = io.nodes.size;
    const b = await treeApply(
      io,
      a,
      new Map<string, TreeEntry<number> | null>([
        [entry('t42', 2).id, entry('t42', 2)],
        [entry('t7', 0).id, null],
        [entry('new', 3).id, entry('new', 3)],
      ]),
    );
    assert.ok(io.nodes.size - before <= 12, `wrote ${io.nodes.size - before} nodes`);
    const d = (await treeDiff(io, a, b, (x, y) => x === y)).sort((x, y) => x.elements[1].localeCompare(y.elements[1]));
    assert.deepEqual(
      d.map((e) => [e.elements[1], e.from, e.to]),
      [
        ['new', undefined, 3],
        ['t42', 1, 2],
        ['t7', 1, undefined],
      ],
    );
    assert.deepEqual(await treeDiff(io, a, a, (x, y) => x === y), []);
  });

  it('writes every node as the JSON of its content, also when a leaf reuses entries already written', async () => {
    const io = memoryIO();
    let root = EMPTY_TREE;
    for (let i = 0; i < 20; i++) {
      const e = { ...entry(`t${i}`, i), value: { n: i, s: `"quoted" \u00e9 ${i}` } } as unknown as TreeEntry<number>;
      root = await treeApply(io, root, new Map([[e.id, e]]));
    }
    const nodes = [...io.nodes.values()];
    assert.equal(nodes.length, 20, 'one leaf per commit, each built from the entries of the one before');
    for (const node of nodes) {
      const plain =
        node.kind === 'leaf'
          ? JSON.stringify({ l: node.entries.map((e) => [e.elements, e.value]) })
          : JSON.stringify({ b: node.children, n: node.count });
      assert.equal(serializeNode(node), plain);
      assert.deepEqual(parseNode(serializeNode(node)), node);
    }
  });
});
