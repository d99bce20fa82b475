import assert from 'node:assert/strict';
import { ReferenceConflictError } from '../errors/index.ts';
import { key, put, storeSteps } from './contract-fixture.ts';
import type { VersionStore } from './types.ts';

/**
 * Contract cases for merge and transplant without a resolver: merge base, repeated merges, conflicts (409, as a result,
 * FORCE/DROP, dry run), recreated keys, expected target hashes, and all-or-nothing transplants. Run inside the
 * VersionStore contract (so on SQLite and PostgreSQL); `current` answers the suite's fresh store.
 *
 * @example describeMergeCases(() => store)
 */
export function describeMergeCases(current: () => VersionStore): void {
  const { head, commit, locationAt } = storeSteps(current);

  describe('merge and transplant', () => {
    let store: VersionStore;
    beforeEach(() => void (store = current()));

    async function fork(name: string) {
      await store.createReference(name, 'BRANCH', await head());
    }

    it('merges the source changes since the merge base as one commit with two parents', async () => {
      await commit('main', [put(key('shared'), 's0')]);
      await fork('feature');
      await commit('feature', [put(key('f1'), 'f'), put(key('shared'), 's1')]);
      await commit('main', [put(key('m1'), 'm')]);
      const r = await store.merge({ fromRefName: 'feature', toBranch: 'main' });
      assert.ok(r.wasApplied && r.wasSuccessful);
      const h = await head();
      assert.equal(r.resultantTargetHash, h);
      assert.deepEqual((await store.getCommit(h)).parentHashes, [r.effectiveTargetHash, await head('feature')]);
      assert.equal(await locationAt(h, key('f1')), 'f');
      assert.equal(await locationAt(h, key('shared')), 's1');
      assert.equal(await locationAt(h, key('m1')), 'm');
      // Merging again is a successful no-op.
      const again = await store.merge({ fromRefName: 'feature', toBranch: 'main' });
      assert.equal(again.wasApplied, false);
      assert.equal(again.wasSuccessful, true);
      assert.equal(await head(), h);
    });

    it('only brings new changes on a repeated merge', async () => {
      await fork('feature');
      await commit('feature', [put(key('t'), 'f1')]);
      await store.merge({ fromRefName: 'feature', toBranch: 'main' });
      await commit('main', [put(key('t'), 'main-edit')]);
      await commit('feature', [put(key('other'), 'o')]);
      const r = await store.merge({ fromRefName: 'feature', toBranch: 'main' });
      assert.ok(r.wasApplied);
      assert.equal(await locationAt(await head(), key('t')), 'main-edit');
      assert.equal(await locationAt(await head(), key('other')), 'o');
    });

    it('reports conflicts as 409, as a result, or resolves them with FORCE/DROP; dry run changes nothing', async () => {
      await commit('main', [put(key('t'), 'base')]);
      await fork('feature');
      await commit('feature', [put(key('t'), 'theirs')]);
      await commit('main', [put(key('t'), 'ours')]);
      const before = await head();
      await assert.rejects(store.merge({ fromRefName: 'feature', toBranch: 'main' }), ReferenceConflictError);
      const asResult = await store.merge({ fromRefName: 'feature', toBranch: 'main', returnConflictAsResult: true });
      assert.equal(asResult.wasSuccessful, false);
      assert.equal(asResult.details[0].conflict?.conflictType, 'VALUE_DIFFERS');
      const dry = await store.merge({
        fromRefName: 'feature',
        toBranch: 'main',
        dryRun: true,
        defaultKeyMergeMode: 'FORCE',
      });
      assert.ok(dry.wasSuccessful && !dry.wasApplied);
      assert.equal(await head(), before);
      await store.merge({
        fromRefName: 'feature',
        toBranch: 'main',
        keyMergeModes: [{ key: key('t'), mergeBehavior: 'DROP' }],
      });
      assert.equal(await locationAt(await head(), key('t')), 'ours');
    });

    it('merges a delete-and-recreate (new content id) onto an untouched target', async () => {
      await commit('main', [put(key('t'), 'old')]);
      const oldId = (await store.getContent(await head(), key('t')))!.id;
      await fork('feature');
      await commit('feature', [{ type: 'DELETE', key: key('t') }]);
      await commit('feature', [put(key('t'), 'new')]);
      await store.merge({ fromRefName: 'feature', toBranch: 'main' });
      const merged = await store.getContent(await head(), key('t'));
      assert.notEqual(merged!.id, oldId);
      assert.equal(merged!.id, (await store.getContent(await head('feature'), key('t')))!.id);
    });

    it('merges with an expected target hash when the keys it writes did not move', async () => {
      await fork('feature');
      const seen = await head();
      await commit('feature', [put(key('a'), 'f')]);
      await commit('main', [put(key('b'), 'm')]);
      const ok = await store.merge({ fromRefName: 'feature', toBranch: 'main', expectedHash: seen });
      assert.ok(ok.wasApplied);
      await commit('feature', [put(key('b'), 'f')]);
      await assert.rejects(
        store.merge({ fromRefName: 'feature', toBranch: 'main', expectedHash: seen }),
        ReferenceConflictError,
      );
    });

    it('transplants commits one by one, all or nothing', async () => {
      await fork('feature');
      const c1 = await commit('feature', [put(key('a'), '1')], 'add a');
      await commit('feature', [put(key('skip'), 'x')], 'not picked');
      const c3 = await commit('feature', [put(key('b'), '2')], 'add b');
      const r = await store.transplant({ fromRefName: 'feature', hashesToTransplant: [c1, c3], toBranch: 'main' });
      assert.equal(r.addedCommits.length, 2);
      const h = await head();
      assert.equal(await locationAt(h, key('a')), '1');
      assert.equal(await locationAt(h, key('b')), '2');
      assert.equal(await store.getContent(h, key('skip')), undefined);
      assert.deepEqual(
        (await store.log(h, { maxRecords: 2 })).items.map((c) => c.message),
        ['add b', 'add a'],
      );
      await commit('main', [put(key('a'), 'main')]);
      const c4 = await commit('feature', [put(key('a'), 'again')]);
      const before = await head();
      await assert.rejects(
        store.transplant({ fromRefName: 'feature', hashesToTransplant: [c4], toBranch: 'main' }),
        ReferenceConflictError,
      );
      assert.equal(await head(), before);
    });
  });
}
