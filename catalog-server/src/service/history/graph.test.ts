import assert from 'node:assert/strict';
import { BadRequestError, NoSuchReferenceError } from '../../errors/index.ts';
import { encodeToken } from '../../store/core/paging.ts';
import { SqliteVersionStore } from '../../store/sqlite/sqlite-store.ts';
import type { Commit, VersionStore } from '../../store/types.ts';
import { byNewestFirst, testCommitter } from './test-commits.ts';
import { commitGraph, commitGraphOf } from './graph.ts';

describe('commitGraph: the commits of several references through every parent, newest first', () => {
  let store: SqliteVersionStore;
  const commit = testCommitter(() => store);

  before(async () => {
    store = await SqliteVersionStore.open(':memory:');
    const m1 = await commit('main');
    await store.createReference('dev', 'BRANCH', m1);
    await store.createReference('lone', 'BRANCH', store.noAncestorHash);
    for (let i = 0; i < 6; i++) {
      await commit('main');
      await commit('dev');
      if (i % 2 === 1) await store.merge({ fromRefName: 'dev', toBranch: 'main' });
      if (i === 3) await store.merge({ fromRefName: 'main', toBranch: 'dev' });
      await commit('lone');
    }
  });
  after(async () => store.close());

  it('lists every commit before its parents, in pages of any size, as one walk would', async () => {
    const refs = ['main', 'dev', 'lone'];
    const heads = await Promise.all(refs.map(async (r) => (await store.getReference(r)).hash));
    const expected = await newestFirst(store, heads);
    for (const size of [1, 2, 3, 7, 100]) {
      const got: Commit[] = [];
      let token: string | undefined;
      do {
        const page = await commitGraphOf(store, refs, { maxRecords: size, pageToken: token });
        got.push(...page.items);
        token = page.token;
      } while (token);
      assert.deepEqual(got, expected, `pages of ${size}`);
    }
    // A hand-made token may name commits by a unique prefix, as `getCommit` takes them.
    const short = await commitGraph(store, [], { pageToken: encodeToken(heads[0]!.slice(0, 12)), maxRecords: 2 });
    assert.deepEqual(short.items, (await newestFirst(store, [heads[0]!])).slice(0, 2));
  });

  it('keeps its errors: a bad token is a 400, an unknown commit a 404', async () => {
    await assert.rejects(commitGraph(store, [], { pageToken: encodeToken('xyz') }), BadRequestError);
    await assert.rejects(commitGraph(store, ['f'.repeat(64)]), NoSuchReferenceError);
    await assert.rejects(commitGraph(store, [], { pageToken: encodeToken('f'.repeat(12)) }), NoSuchReferenceError);
  });
});

/** Every commit reachable from `heads` but the root, in newest-first order, read a commit at a time. */
async function newestFirst(store: VersionStore, heads: string[]): Promise<Commit[]> {
  const seen = new Map<string, Commit>();
  const stack = [...heads];
  while (stack.length > 0) {
    const h = stack.pop()!;
    if (seen.has(h) || h === store.noAncestorHash) continue;
    const { operations: _, ...c } = await store.getCommit(h);
    seen.set(h, c);
    stack.push(...c.parentHashes);
  }
  return [...seen.values()].sort(byNewestFirst);
}
