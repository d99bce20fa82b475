import assert from 'node:assert/strict';
import { CommitNotOnReferenceError, NoSuchReferenceError } from '../../errors/index.ts';
import { SqliteVersionStore } from '../../store/sqlite/sqlite-store.ts';
import type { VersionStore } from '../../store/types.ts';
import { testCommitter } from '../history/test-commits.ts';
import { sourceCommits } from './source-commits.ts';

describe('sourceCommits: the commits a merge or transplant takes from its source', () => {
  let store: VersionStore;
  const commit = testCommitter(() => store);

  beforeEach(async () => {
    store = await SqliteVersionStore.open(':memory:');
  });
  afterEach(async () => store.close());

  it('takes the source head, its ancestors and relative lookups from them, as full hashes in the order given', async () => {
    const m1 = await commit('main');
    await store.createReference('dev', 'BRANCH', m1);
    const d1 = await commit('dev');
    const d2 = await commit('dev');
    assert.deepEqual(await sourceCommits(store, 'dev', [d2.slice(0, 12), d1, `${d2}~1`, m1.toUpperCase()]), [
      d2,
      d1,
      d1,
      m1,
    ]);
  });

  it('refuses a commit off the source history with a 400 naming the hash as given and the source', async () => {
    const m1 = await commit('main');
    await store.createReference('dev', 'BRANCH', m1);
    const d1 = await commit('dev');
    const m2 = await commit('main');
    await assert.rejects(sourceCommits(store, 'dev', [d1, m2.slice(0, 10)]), (err: unknown) => {
      assert.ok(err instanceof CommitNotOnReferenceError);
      assert.deepEqual(err.data, { hash: m2.slice(0, 10), ref: 'dev' });
      return true;
    });
  });

  it('answers 404 for a source or a commit that does not exist', async () => {
    const m1 = await commit('main');
    await assert.rejects(sourceCommits(store, 'nope', [m1]), NoSuchReferenceError);
    await assert.rejects(sourceCommits(store, 'main', ['deadbeef'.repeat(8)]), NoSuchReferenceError);
  });

  it('takes any existing commit from a DETACHED source', async () => {
    const m1 = await commit('main');
    await store.createReference('dev', 'BRANCH', m1);
    const d1 = await commit('dev');
    assert.deepEqual(await sourceCommits(store, 'DETACHED', [d1]), [d1]);
  });

  it('walks at most its limit below the source head, and says so when a commit may be further down', async () => {
    const first = await commit('main');
    for (let i = 0; i < 5; i++) await commit('main');
    await assert.rejects(sourceCommits(store, 'main', [first], { limit: 3 }), (err: unknown) => {
      assert.ok(err instanceof CommitNotOnReferenceError);
      assert.equal(err.data['searched'], 3);
      return true;
    });
    assert.deepEqual(await sourceCommits(store, 'main', [first], { limit: 10 }), [first]);
  });
});
