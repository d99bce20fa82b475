import assert from 'node:assert/strict';
import { SqliteVersionStore } from '../../store/sqlite/sqlite-store.ts';
import type { VersionStore } from '../../store/types.ts';
import { BadRequestError, NoSuchReferenceError } from '../../errors/index.ts';
import { HistoryMembership } from './on-history.ts';
import { testCommitter } from './test-commits.ts';

describe('HistoryMembership: is a commit on a reference’s history', () => {
  let store: VersionStore;
  const commit = testCommitter(() => store);

  beforeEach(async () => {
    store = await SqliteVersionStore.open(':memory:');
  });
  afterEach(async () => store.close());

  it('knows the head, first-parent ancestors and commits merged in through a second parent', async () => {
    const m1 = await commit('main');
    await store.createReference('dev', 'BRANCH', m1);
    const d1 = await commit('dev');
    const m2 = await commit('main');
    await store.merge({ fromRefName: 'dev', toBranch: 'main' });
    const d2 = await commit('dev');
    const history = new HistoryMembership(store);
    for (const h of [m1, m2, d1, (await store.getReference('main')).hash]) {
      assert.equal(await history.contains('main', h), true, h);
    }
    assert.equal(await history.contains('main', d1.slice(0, 12)), true, 'abbreviated');
    assert.equal(await history.contains('main', d2), false, 'a later dev commit');
    assert.equal(await history.contains('dev', m2), false, 'a main commit after the fork');
    assert.equal(await history.contains('dev', m1), true, 'the fork point');
    await assert.rejects(history.contains('nope', m1), NoSuchReferenceError);
    // A commit that does not exist is not on it either (rather than the store's 404, which would tell it exists).
    assert.equal(await history.contains('main', 'deadbeef'.repeat(8)), false, 'no such commit');
    assert.equal(await history.contains('main', 'deadbeef0'), false, 'no such prefix');
    // The head it answered for comes along, known commit or not (a refused write's expected hash names it).
    const head = (await store.getReference('dev')).hash;
    assert.deepEqual(await history.lookup('dev', m1), { head, onHistory: true });
    assert.deepEqual(await history.lookup('dev', 'deadbeef'.repeat(8)), { head, onHistory: false });
  });

  it('takes a prefix several commits share as not on it, as the store refuses it', async () => {
    // Two commits sharing 8 hex digits take ~65,000 commits to come by: a store that finds the prefix ambiguous.
    const ambiguous = {
      getReference: async () => ({ hash: 'a'.repeat(64) }),
      resolve: async () => {
        throw new BadRequestError('Hash prefix "abcdef01" is ambiguous; give more digits.');
      },
    } as unknown as VersionStore;
    assert.equal(await new HistoryMembership(ambiguous).contains('main', 'abcdef01'), false);
  });

  it('gives up (not on it) after its walk limit', async () => {
    const first = await commit('main');
    for (let i = 0; i < 5; i++) await commit('main');
    assert.equal(await new HistoryMembership(store, 3).contains('main', first), false);
    assert.equal(await new HistoryMembership(store, 10).contains('main', first), true);
  });
});
