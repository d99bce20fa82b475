import assert from 'node:assert/strict';
import {
  EMPTY_TREE,
  entryId,
  nodeId,
  parseNode,
  serializeNode,
  treeApply,
  type NodeIO,
  type TreeEntry,
  type TreeNode,
} from './hamt.ts';
import { applyLeafDelta, chainOf, encodeLeafDelta, isLeafDelta, parseLeafDelta } from './leaf-delta.ts';

type Value = { loc: string };

function entry(name: string, loc: string): TreeEntry<Value> {
  const elements = ['ns', name];
  return { id: entryId(elements), elements, value: { loc } };
}

function leaf(entries: Array<TreeEntry<Value>>): TreeNode<Value> {
  return { kind: 'leaf', entries: [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
}

/** A leaf of `n` tables whose metadata locations are long, as real ones are. */
function tables(n: number): Array<TreeEntry<Value>> {
  return Array.from({ length: n }, (_, i) =>
    entry(`t${i}`, `file:///warehouse/ns/t${i}/metadata/00001-${i}.metadata.json`),
  );
}

describe('trie leaf deltas', () => {
  it('stands for the leaf it was built from: changed, added and removed entries', () => {
    const before = tables(30);
    const base = leaf(before);
    // A commit's leaf shares the base's entry objects, replacing the ones it changes.
    const next = leaf([...before.slice(1, 29), entry('t29', 'file:///changed.json'), entry('new', 'file:///new.json')]);
    const full = serializeNode(next);
    const body = encodeLeafDelta('base-id', base, next, full, 3);
    assert.ok(body && isLeafDelta(body));
    assert.ok(body.length * 4 < full.length, `${body.length} bytes against the leaf's ${full.length}`);
    const delta = parseLeafDelta<Value>(body);
    assert.equal(delta.base, 'base-id');
    assert.equal(delta.chain, 3);
    assert.deepEqual(
      delta.set.map((e) => e.elements[1]),
      ['new', 't29'],
    );
    assert.deepEqual(delta.removed, [['ns', 't0']]);
    const rebuilt = applyLeafDelta(base, delta);
    // The same canonical text, so the same id as the leaf itself.
    assert.equal(serializeNode(rebuilt), full);
    assert.equal(nodeId(serializeNode(rebuilt)), nodeId(full));
    assert.equal(chainOf(rebuilt), 3);
  });

  it('keeps a leaf whole where its delta would not be at most half its size', () => {
    const base = leaf(tables(3));
    const next = leaf([entry('t0', 'file:///a.json'), entry('t1', 'file:///b.json'), ...tables(3).slice(2)]);
    assert.equal(encodeLeafDelta('base-id', base, next, serializeNode(next), 1), undefined);
    assert.equal(encodeLeafDelta('base-id', base, { kind: 'branch', count: 40, children: [] }, '{}', 1), undefined);
  });

  it('refuses a delta row without its parts and a base that is not a leaf', () => {
    assert.throws(() => parseLeafDelta('{"d":"x","s":[],"r":[]}'), /Corrupt store/);
    const delta = parseLeafDelta<Value>('{"d":"x","k":1,"s":[],"r":[]}');
    assert.throws(() => applyLeafDelta({ kind: 'branch', count: 40, children: [] }, delta), /not a leaf/);
  });

  it('is never mistaken for a node, and a node of no known shape is refused', () => {
    assert.equal(isLeafDelta(serializeNode(leaf(tables(2)))), false);
    assert.equal(isLeafDelta(JSON.stringify({ b: [null], n: 40 })), false);
    assert.throws(() => parseNode('{"d":"x","k":1,"s":[],"r":[]}'), /no known shape/);
  });

  it('gets the leaf it was built from from the trie, for a change that keeps one leaf', async () => {
    const puts: Array<{ id: string; base?: string }> = [];
    const nodes = new Map<string, TreeNode<Value>>();
    const io: NodeIO<Value> = {
      get: (id) => nodes.get(id)!,
      put: (id, node, base) => {
        nodes.set(id, node);
        puts.push({ id, base: base?.id });
      },
    };
    const first = await treeApply(io, EMPTY_TREE, new Map(tables(10).map((e) => [e.id, e])));
    assert.deepEqual(puts, [{ id: first, base: undefined }], 'a leaf built from the empty map is whole');
    const changed = entry('t3', 'file:///t3-2.json');
    const second = await treeApply(io, first, new Map([[changed.id, changed]]));
    assert.deepEqual(puts.at(-1), { id: second, base: first });
    // Past 32 entries the leaf splits into a branch: its new leaves name no base.
    puts.length = 0;
    await treeApply(io, second, new Map(tables(40).map((e) => [e.id, e])));
    assert.ok(puts.length > 2 && puts.every((p) => p.base === undefined));
  });
});
