import assert from 'node:assert/strict';
import { SqliteVersionStore } from '../../store/sqlite/sqlite-store.ts';
import type { VersionStore } from '../../store/types.ts';
import { testCommitter } from '../history/test-commits.ts';
import { referenceMetadataReader } from './reference-metadata.ts';

describe('referenceMetadataReader: what fetch=ALL tells of a reference', () => {
  let store: VersionStore;
  const commit = testCommitter(() => store);
  const ref = async (name: string) => store.getReference(name);

  beforeEach(async () => {
    store = await SqliteVersionStore.open(':memory:');
  });
  afterEach(async () => store.close());

  it('gives a branch its HEAD, generation and standing against the default branch; main and tags no standing', async () => {
    const m1 = await commit('main');
    await store.createReference('dev', 'BRANCH', m1);
    const d1 = await commit('dev');
    const d2 = await commit('dev');
    const m2 = await commit('main');
    await store.createReference('v1', 'TAG', d1);
    const read = referenceMetadataReader(store);
    const dev = await read(await ref('dev'));
    assert.deepEqual(
      { ...dev, commitMetaOfHEAD: dev?.commitMetaOfHEAD?.hash },
      { numCommitsAhead: 2, numCommitsBehind: 1, commitMetaOfHEAD: d2, commonAncestorHash: m1, numTotalCommits: 3 },
    );
    const main = await read(await ref('main'));
    assert.deepEqual([main?.numCommitsAhead, main?.commonAncestorHash, main?.commitMetaOfHEAD?.hash], [null, null, m2]);
    const tag = await read(await ref('v1'));
    assert.deepEqual([tag?.numCommitsBehind, tag?.numTotalCommits, tag?.commitMetaOfHEAD?.hash], [null, 2, d1]);
  });

  it('describes nothing at the beginning of history, or where the caller may not read the history', async () => {
    await store.createReference('empty', 'BRANCH', store.noAncestorHash);
    const m1 = await commit('main');
    await store.createReference('dev', 'BRANCH', m1);
    await commit('dev');
    assert.equal(await referenceMetadataReader(store)(await ref('empty')), undefined);
    assert.equal(await referenceMetadataReader(store, (n) => n !== 'dev')(await ref('dev')), undefined);
    // The branch's own history is readable, the default branch's is not: no standing against it.
    const dev = await referenceMetadataReader(store, (n) => n === 'dev')(await ref('dev'));
    assert.deepEqual([dev?.numTotalCommits, dev?.numCommitsAhead, dev?.commonAncestorHash], [2, null, null]);
  });

  it('leaves the standing out, rather than give a lower bound, for a branch that parted too long ago', async () => {
    const m1 = await commit('main');
    await store.createReference('old', 'BRANCH', m1);
    await commit('old');
    for (let i = 0; i < 6; i++) await commit('main');
    // A walk of at most 5 commits (10,000 in the server) cannot reach where they parted.
    const old = await referenceMetadataReader(store, () => true, 5)(await ref('old'));
    assert.deepEqual([old?.numCommitsAhead, old?.numCommitsBehind, old?.commonAncestorHash], [null, null, null]);
    assert.equal(old?.numTotalCommits, 2);
  });
});
