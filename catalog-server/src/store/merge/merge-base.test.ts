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
  const load = (h: string) => {
    const n = nodes.get(h);
    if (!n) throw new Error(`unknown commit ${h}`);
    return n;
  };
  return { commit, load };
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
});
