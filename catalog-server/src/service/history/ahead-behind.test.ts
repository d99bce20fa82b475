import assert from 'node:assert/strict';
import { NoSuchReferenceError } from '../../errors/index.ts';
import { SqliteVersionStore } from '../../store/sqlite/sqlite-store.ts';
import type { Commit, VersionStore } from '../../store/types.ts';
import { byNewestFirst, testCommitter } from './test-commits.ts';
import { aheadBehind, compareRefs } from './ahead-behind.ts';

describe('aheadBehind: how far two commits are apart', () => {
  let store: SqliteVersionStore;
  const commit = testCommitter(() => store);
  const merge = async (from: string, to: string) =>
    (await store.merge({ fromRefName: from, toBranch: to })).resultantTargetHash;

  beforeEach(async () => {
    store = await SqliteVersionStore.open(':memory:');
  });
  afterEach(async () => store.close());

  it('counts as git rev-list --left-right --count does, through merges, with the newest common ancestor', async () => {
    const m1 = await commit('main');
    await store.createReference('dev', 'BRANCH', m1);
    await store.createReference('x', 'BRANCH', m1);
    await commit('dev');
    await commit('main');
    await merge('dev', 'main');
    await commit('dev');
    await commit('x');
    await merge('x', 'dev');
    await merge('main', 'dev');
    await commit('main');
    await merge('dev', 'main');
    await commit('dev');
    await commit('main');
    const root = store.noAncestorHash;
    const refs = ['main', 'dev', 'x'];
    const heads = [root, m1, ...(await Promise.all(refs.map(async (r) => (await store.getReference(r)).hash)))];
    // Every commit of the history against every other, against sets of ancestors read a commit at a time.
    const all = new Set<string>();
    for (const h of heads) for (const c of (await ancestors(store, h)).keys()) all.add(c);
    for (const a of all) {
      for (const b of all) {
        assert.deepEqual(await aheadBehind(store, a, b), await reference(store, a, b), `${a} vs ${b}`);
      }
    }
  });

  it('stops at the limit with lower bounds, and answers unknown commits with NoSuchReferenceError', async () => {
    const base = await commit('main');
    await store.createReference('dev', 'BRANCH', base);
    for (let i = 0; i < 10; i++) await commit('main');
    await commit('dev');
    const result = await compareRefs(store, 'dev', 'main', 5);
    assert.equal(result.truncated, true);
    assert.ok(result.ahead <= 1 && result.behind <= 10);
    assert.deepEqual(
      { ...(await compareRefs(store, 'dev', 'main')), fromHash: '', toHash: '' },
      { fromHash: '', toHash: '', ahead: 1, behind: 10, truncated: false, mergeBase: base },
    );
    await assert.rejects(aheadBehind(store, 'f'.repeat(64), base), NoSuchReferenceError);
    await assert.rejects(aheadBehind(store, base, 'f'.repeat(64)), NoSuchReferenceError);
  });
});

/** Every ancestor of `hash` (itself included), read a commit at a time. */
async function ancestors(store: VersionStore, hash: string): Promise<Map<string, Commit>> {
  const out = new Map<string, Commit>();
  const stack = [hash];
  while (stack.length > 0) {
    const h = stack.pop()!;
    if (out.has(h)) continue;
    const c = await store.getCommit(h);
    out.set(h, c);
    stack.push(...c.parentHashes);
  }
  return out;
}

/** The answer from whole ancestor sets: the counts, and the common ancestor first in newest-first order. */
async function reference(store: VersionStore, a: string, b: string) {
  const [fromA, fromB] = await Promise.all([ancestors(store, a), ancestors(store, b)]);
  const common = [...fromA.values()].filter((c) => fromB.has(c.hash));
  common.sort(byNewestFirst);
  return {
    ahead: [...fromA.keys()].filter((h) => !fromB.has(h)).length,
    behind: [...fromB.keys()].filter((h) => !fromA.has(h)).length,
    truncated: false,
    mergeBase: common[0]?.hash ?? null,
  };
}
