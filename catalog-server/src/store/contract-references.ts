import assert from 'node:assert/strict';
import {
  BadRequestError,
  InvalidReferenceNameError,
  NoSuchReferenceError,
  ReadOnlyReferenceError,
  ReferenceAlreadyExistsError,
  ReferenceConflictError,
} from '../errors/index.ts';
import { key, put, storeSteps } from './contract-fixture.ts';
import type { VersionStore } from './types.ts';

/**
 * Contract cases for references: the default branch, creating branches and tags, compare-and-swap deletes and
 * reassignments, and resolving `ref@hash`, hashes, prefixes and `ref*timestamp`. Run inside the VersionStore contract
 * (so on SQLite and PostgreSQL); `current` answers the suite's fresh store.
 *
 * @example describeReferenceCases(() => store)
 */
export function describeReferenceCases(current: () => VersionStore): void {
  const { head, commit } = storeSteps(current);

  describe('references', () => {
    let store: VersionStore;
    beforeEach(() => void (store = current()));

    it('starts with the default branch main at the root commit', async () => {
      assert.equal((await store.getReference('main')).hash, store.noAncestorHash);
      assert.deepEqual((await store.getCommit(store.noAncestorHash)).parentHashes, []);
      const refs = await store.listReferences();
      assert.deepEqual(
        refs.map((r) => [r.name, r.type]),
        [['main', 'BRANCH']],
      );
    });

    it('creates branches and tags from any hash, refusing duplicates and invalid names', async () => {
      const h = await head();
      await store.createReference('feature/x', 'BRANCH', h);
      await store.createReference('v1', 'TAG', h);
      assert.equal((await store.getReference('feature/x')).hash, h);
      await assert.rejects(store.createReference('v1', 'TAG', h), ReferenceAlreadyExistsError);
      await assert.rejects(store.createReference('a..b', 'BRANCH', h), InvalidReferenceNameError);
      await assert.rejects(store.createReference('ok', 'BRANCH', 'f'.repeat(64)), NoSuchReferenceError);
      await assert.rejects(store.getReference('nope'), NoSuchReferenceError);
    });

    it('deletes and reassigns only with the current hash (compare-and-swap)', async () => {
      const h0 = await head();
      await store.createReference('dev', 'BRANCH', h0);
      const h1 = await commit('main', [put(key('t'), 'm1')]);
      await assert.rejects(store.assignReference('dev', 'BRANCH', h1, h1), ReferenceConflictError);
      const moved = await store.assignReference('dev', 'BRANCH', h0, h1);
      assert.equal(moved.hash, h1);
      await assert.rejects(store.deleteReference('dev', 'BRANCH', h0), ReferenceConflictError);
      await assert.rejects(store.deleteReference('dev', 'TAG', h1), BadRequestError);
      await store.deleteReference('dev', 'BRANCH', h1);
      await assert.rejects(store.getReference('dev'), NoSuchReferenceError);
      await assert.rejects(store.deleteReference('main', 'BRANCH', h1), BadRequestError);
    });

    it('resolves ref@hash, bare hashes, prefixes and ref*timestamp as read-only points', async () => {
      const h1 = await commit('main', [put(key('t'), 'v1')]);
      const between = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      await commit('main', [put(key('t'), 'v2')]);
      const atHash = await store.resolve(`main@${h1}`);
      assert.deepEqual([atHash.hash, atHash.readOnly], [h1, true]);
      assert.equal((await store.resolve(h1)).hash, h1);
      assert.equal((await store.resolve(h1.slice(0, 12))).hash, h1);
      assert.equal((await store.resolve(`main*${between}`)).hash, h1);
      assert.equal((await store.resolve('main')).readOnly, false);
      await store.createReference('v1', 'TAG', h1);
      assert.equal((await store.resolve('v1')).readOnly, true);
      await assert.rejects(store.resolve('main@' + 'e'.repeat(64)), NoSuchReferenceError);
      await assert.rejects(store.resolve('main@zz'), BadRequestError);
      await assert.rejects(store.commit('v1', h1, { message: 'x' }, []), ReadOnlyReferenceError);
    });
  });
}
