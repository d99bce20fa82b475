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
import {
  applyNodeDelta,
  deltaBaseOf,
  encodeNodeDelta,
  isNodeDelta,
  parseNodeDelta,
  wholeBaseOf,
} from './node-delta.ts';

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

describe('trie node deltas', () => {
  it('stands for the leaf it was built from: changed, added and removed entries', () => {
    const before = tables(30);
    const base = leaf(before);
    // A commit's leaf shares the base's entry objects, replacing the ones it changes.
    const next = leaf([...before.slice(1, 29), entry('t29', 'file:///changed.json'), entry('new', 'file:///new.json')]);
    const full = serializeNode(next);
    const body = encodeNodeDelta('base-id', base, next, full);
    assert.ok(body && isNodeDelta(body));
    assert.equal(deltaBaseOf(body), 'base-id');
    assert.equal(deltaBaseOf(full), undefined);
    assert.ok(body.length * 4 < full.length, `${body.length} bytes against the leaf's ${full.length}`);
    const delta = parseNodeDelta<Value>(body);
    assert.equal(delta.base, 'base-id');
    assert.ok(delta.kind === 'leaf');
    assert.deepEqual(
      delta.set.map((e) => e.elements[1]),
      ['new', 't29'],
    );
    assert.deepEqual(delta.removed, [['ns', 't0']]);
    const rebuilt = applyNodeDelta(base, delta);
    // The same canonical text, so the same id as the leaf itself.
    assert.equal(serializeNode(rebuilt), full);
    assert.equal(nodeId(serializeNode(rebuilt)), nodeId(full));
    // A delta of the rebuilt leaf is taken against the same whole leaf, not against the delta.
    assert.deepEqual(wholeBaseOf('next-id', rebuilt), { id: 'base-id', node: base });
    assert.deepEqual(wholeBaseOf('base-id', base), { id: 'base-id', node: base });
  });

  it('stands for the branch it was built from: children replaced, added and emptied, and the new count', () => {
    const ids = Array.from({ length: 32 }, (_, i) => (i % 3 === 0 ? null : `child-${i}-`.padEnd(64, 'a')));
    const base: TreeNode<Value> = { kind: 'branch', count: 700, children: ids };
    const children = [...ids];
    children[1] = 'changed-'.padEnd(64, 'b');
    children[3] = 'added-'.padEnd(64, 'c');
    children[2] = null;
    const next: TreeNode<Value> = { kind: 'branch', count: 699, children };
    const full = serializeNode(next);
    const body = encodeNodeDelta('base-id', base, next, full);
    assert.ok(body && isNodeDelta(body) && body.length * 5 < full.length, `${body?.length} against ${full.length}`);
    const delta = parseNodeDelta<Value>(body);
    assert.ok(delta.kind === 'branch');
    assert.deepEqual(
      delta.children.map(([slot]) => slot),
      [1, 2, 3],
    );
    const rebuilt = applyNodeDelta(base, delta);
    assert.equal(serializeNode(rebuilt), full);
    assert.throws(() => applyNodeDelta(leaf(tables(2)), delta), /is a leaf/);
  });

  it('keeps a leaf whole where its delta would not be at most half its size', () => {
    const base = leaf(tables(3));
    const next = leaf([entry('t0', 'file:///a.json'), entry('t1', 'file:///b.json'), ...tables(3).slice(2)]);
    assert.equal(encodeNodeDelta('base-id', base, next, serializeNode(next)), undefined);
    assert.equal(encodeNodeDelta('base-id', base, { kind: 'branch', count: 40, children: [] }, '{}'), undefined);
  });

  it('refuses a delta row without its parts and a base of the other kind', () => {
    assert.throws(() => parseNodeDelta('{"s":[],"r":[]}'), /Corrupt store/);
    assert.throws(() => parseNodeDelta('{"d":"x","s":[]}'), /no known shape/);
    const delta = parseNodeDelta<Value>('{"d":"x","s":[],"r":[]}');
    assert.throws(() => applyNodeDelta({ kind: 'branch', count: 40, children: [] }, delta), /is a branch/);
  });

  it('is never mistaken for a node, and a node of no known shape is refused', () => {
    assert.equal(isNodeDelta(serializeNode(leaf(tables(2)))), false);
    assert.equal(isNodeDelta(JSON.stringify({ b: [null], n: 40 })), false);
    assert.throws(() => parseNode('{"d":"x","s":[],"r":[]}'), /no known shape/);
  });

  it('gets from the trie the node each new one was built from: a leaf for a leaf, a branch for a branch', async () => {
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
    const third = await treeApply(io, second, new Map(tables(40).map((e) => [e.id, e])));
    assert.ok(puts.length > 2 && puts.every((p) => p.base === undefined));
    // A change below a branch: the leaf names the leaf it replaced, the branch the branch.
    puts.length = 0;
    const again = entry('t3', 'file:///t3-3.json');
    const fourth = await treeApply(io, third, new Map([[again.id, again]]));
    assert.deepEqual(
      puts.map((p) => nodes.get(p.id)!.kind + (p.base ? ` from ${nodes.get(p.base)!.kind}` : '')),
      ['leaf from leaf', 'branch from branch'],
    );
    assert.deepEqual(puts.at(-1), { id: fourth, base: third });
  });
});
