import assert from 'node:assert/strict';
import { isAncestor, mergeBase, mergeBases, type CommitNode } from './merge-base.ts';

/** Builds an in-memory commit graph: `commit('c', 'a', 'b')` makes c with parents a and b. */
function graph() {
  const nodes = new Map<string, CommitNode>();
  const commit = (hash: string, ...parents: string[]) => {
    const generation = parents.length ? Math.max(...parents.map((p) => nodes.get(p)!.generation)) + 1 : 0;
    nodes.set(hash, { parents, generation });
    return hash;
  };
  const loaded = new Set<string>();
  const load = (h: string) => {
    const n = nodes.get(h);
    if (!n) throw new Error(`unknown commit ${h}`);
    loaded.add(h);
    return n;
  };
  return { commit, load, loaded };
}

describe('merge base', async () => {
  it('finds the fork point of two branches', async () => {
    const { commit, load } = graph();
    commit('root');
    commit('m1', 'root');
    commit('f1', 'm1');
    commit('f2', 'f1');
    commit('m2', 'm1');
    assert.equal(await mergeBase(load, 'f2', 'm2'), 'm1');
    assert.equal(await mergeBase(load, 'm2', 'f2'), 'm1');
  });

  it('is the source head after a merge (repeated merges only see new changes)', async () => {
    const { commit, load } = graph();
    commit('root');
    commit('f1', 'root');
    commit('m1', 'root');
    commit('merge1', 'm1', 'f1');
    commit('f2', 'f1');
    assert.equal(await mergeBase(load, 'f2', 'merge1'), 'f1');
    assert.ok(await isAncestor(load, 'f1', 'merge1'));
    assert.ok(!(await isAncestor(load, 'f2', 'merge1')));
  });

  it('returns the ancestor itself when one side contains the other', async () => {
    const { commit, load } = graph();
    commit('root');
    commit('a', 'root');
    commit('b', 'a');
    assert.equal(await mergeBase(load, 'a', 'b'), 'a');
    assert.equal(await mergeBase(load, 'b', 'b'), 'b');
  });

  it('reports both bases of a criss-cross merge and picks one deterministically', async () => {
    const { commit, load } = graph();
    commit('root');
    commit('a1', 'root');
    commit('b1', 'root');
    commit('a2', 'a1', 'b1'); // a merges b
    commit('b2', 'b1', 'a1'); // b merges a
    commit('a3', 'a2');
    commit('b3', 'b2');
    assert.deepEqual((await mergeBases(load, 'a3', 'b3')).sort(), ['a1', 'b1']);
    assert.equal(await mergeBase(load, 'a3', 'b3'), 'a1');
    assert.equal(await mergeBase(load, 'b3', 'a3'), 'a1');
  });

  it('returns null for unrelated histories', async () => {
    const { commit, load } = graph();
    commit('r1');
    commit('r2');
    assert.equal(await mergeBase(load, 'r1', 'r2'), null);
  });

  it('does not report an ancestor of a better base when generations are uneven', async () => {
    const { commit, load } = graph();
    commit('root');
    commit('x', 'root');
    let tip = 'x';
    for (let i = 0; i < 10; i++) tip = commit(`long${i}`, tip);
    commit('short', 'x');
    commit('join', 'short', tip);
    assert.deepEqual(await mergeBases(load, 'join', tip), [tip]);
  });

  it('stops at the base of a merge into a long history instead of walking the target to the root', async () => {
    // main merges a side branch again and again; main's own first-parent line is only reachable from main.
    const { commit, load, loaded } = graph();
    let main = commit('root');
    let side = main;
    for (let i = 0; i < 2000; i++) {
      side = commit(`s${i}`, side);
      main = commit(`m${i}`, main, side);
    }
    const next = commit('s-next', side);
    loaded.clear();
    assert.deepEqual(await mergeBases(load, next, main), [side]);
    assert.ok(loaded.size < 20, `loaded ${loaded.size} commits`);
    loaded.clear();
    assert.equal(await mergeBase(load, main, next), side);
    assert.ok(loaded.size < 20, `loaded ${loaded.size} commits`);
  });

  it('still walks back to an old fork point past many merge commits', async () => {
    const { commit, load } = graph();
    const fork = commit('root');
    const feature = commit('f1', fork);
    let main = fork;
    let side = fork;
    for (let i = 0; i < 500; i++) {
      side = commit(`s${i}`, side);
      main = commit(`m${i}`, main, side);
    }
    assert.deepEqual(await mergeBases(load, feature, main), [fork]);
    assert.deepEqual(await mergeBases(load, main, feature), [fork]);
  });

  it('reports both bases of a criss-cross merge deep in a long history', async () => {
    const { commit, load } = graph();
    let a = commit('root');
    for (let i = 0; i < 300; i++) a = commit(`pre${i}`, a);
    const a1 = commit('a1', a);
    const b1 = commit('b1', a);
    let a2 = commit('a2', a1, b1);
    let b2 = commit('b2', b1, a1);
    for (let i = 0; i < 50; i++) a2 = commit(`a-${i}`, a2);
    for (let i = 0; i < 7; i++) b2 = commit(`b-${i}`, b2);
    assert.deepEqual((await mergeBases(load, a2, b2)).sort(), ['a1', 'b1']);
    assert.deepEqual((await mergeBases(load, b2, a2)).sort(), ['a1', 'b1']);
    assert.equal(await mergeBase(load, a2, b2), 'a1');
  });

  it('finds the newer base when one criss-cross candidate is an ancestor of the other', async () => {
    const { commit, load } = graph();
    commit('root');
    commit('x', 'root');
    commit('y', 'x');
    commit('p', 'y', 'x');
    commit('q', 'x', 'y');
    assert.deepEqual(await mergeBases(load, 'p', 'q'), ['y']);
  });
});
