import assert from 'node:assert/strict';
import { ForbiddenError, ReferenceConflictError } from '../errors/index.ts';
import { key, put, storeSteps } from './contract-fixture.ts';
import type { ChangedKey, Content, KeyResolution, KeyToResolve, MergeResolver, VersionStore } from './types.ts';

/**
 * Contract cases for merge and transplant with a content-aware resolver: resolved keys, refusals, dry runs, a target
 * moving while the resolver works, FORCE/DROP ahead of it, and transplants resolved commit by commit. Run inside the
 * VersionStore contract (so on SQLite and PostgreSQL); `current` answers the suite's fresh store.
 *
 * @example describeResolverMergeCases(() => store)
 */
export function describeResolverMergeCases(current: () => VersionStore): void {
  const { head, commit, locationAt } = storeSteps(current);

  describe('merge and transplant with a resolver', () => {
    let store: VersionStore;
    beforeEach(() => void (store = current()));

    /** Joins the two locations ("a+b"), as a content-aware resolver would combine both sides' changes. */
    function joiningResolver(opts: { refuse?: string; during?: () => Promise<void> } = {}) {
      const calls: Array<{ key: KeyToResolve; write: boolean }> = [];
      const discarded: KeyResolution[] = [];
      const landed: KeyResolution[] = [];
      const loc = (c: Content | undefined) => (c && 'metadataLocation' in c ? c.metadataLocation : '');
      const resolver: MergeResolver = {
        async resolve(k, { write }) {
          calls.push({ key: k, write });
          const during = opts.during;
          opts.during = undefined;
          await during?.();
          if (opts.refuse && loc(k.source).includes(opts.refuse)) {
            return { kind: 'conflict', message: 'refused', kinds: ['unique-key-collision'] };
          }
          const value = { ...k.target!, metadataLocation: `${loc(k.target)}+${loc(k.source)}` } as Content;
          // What a resolver that wrote a file without its fsync hands over, for the merge commit to journal.
          const location = `file:///w/${k.key.elements.join('.')}/${loc(value)}`;
          const files = [{ location, bytes: Buffer.from('{}') }];
          return { kind: 'resolved', value, summary: 'joined', stats: { joined: 1 }, files };
        },
        async discard(r) {
          discarded.push(r);
        },
        landed(r) {
          landed.push(r);
        },
      };
      return { resolver, calls, discarded, landed };
    }

    async function diverge() {
      await commit('main', [put(key('t'), 'base'), put(key('u'), 'base')]);
      await store.createReference('feature', 'BRANCH', await head());
      await commit('feature', [put(key('t'), 'theirs'), put(key('n'), 'new')]);
      await commit('main', [put(key('t'), 'ours')]);
    }

    it('takes the resolver value for a key changed on both sides, in the one merge commit', async () => {
      await diverge();
      const { resolver, calls, discarded } = joiningResolver();
      const r = await store.merge({ fromRefName: 'feature', toBranch: 'main', resolver });
      assert.ok(r.wasApplied && r.wasSuccessful);
      assert.equal(await locationAt(await head(), key('t')), 'ours+theirs');
      assert.equal(await locationAt(await head(), key('n')), 'new');
      assert.deepEqual(
        calls.map((c) => [c.key.key.elements, c.write]),
        [[['t'], true]],
      );
      const byKey = new Map(r.details.map((d) => [d.key.elements.join('.'), d]));
      assert.equal(byKey.get('t')?.outcome, 'RESOLVED');
      assert.deepEqual(byKey.get('t')?.resolution, { summary: 'joined', stats: { joined: 1 } });
      assert.equal(byKey.get('n')?.outcome, 'TAKEN');
      assert.equal(discarded.length, 0);
    });

    it('a key resolved but moved since the expected hash asks for a retry on the current head, not FORCE', async () => {
      await diverge();
      const seen = await head();
      await commit('main', [put(key('t'), 'ours2')]);
      const { resolver } = joiningResolver();
      await assert.rejects(
        store.merge({ fromRefName: 'feature', toBranch: 'main', resolver, expectedHash: seen }),
        (e) => {
          // FORCE would drop main's change to t; the same merge on the current head joins both sides.
          assert.ok(e instanceof ReferenceConflictError);
          assert.match(e.message, /"t" changed on "main" since .*retry with it as the expected hash\.$/);
          assert.doesNotMatch(e.message, /FORCE/);
          return true;
        },
      );
      const r = await store.merge({ fromRefName: 'feature', toBranch: 'main', resolver, expectedHash: await head() });
      assert.ok(r.wasApplied);
      assert.equal(await locationAt(await head(), key('t')), 'ours2+theirs');
    });

    it('journals the files of the landed resolutions with the merge, where the store journals files', async () => {
      await diverge();
      await commit('feature', [put(key('u'), 'theirs')]);
      await commit('main', [put(key('u'), 'ours')]);
      // The target moves once while the resolver works: the first answers are discarded, not journaled.
      const { resolver, discarded, landed } = joiningResolver({
        during: async () => void (await commit('main', [put(key('t'), 'ours2')])),
      });
      const r = await store.merge({ fromRefName: 'feature', toBranch: 'main', resolver });
      assert.ok(r.wasApplied);
      assert.equal(discarded.length, 2);
      const files = landed.flatMap((l) => (l.kind === 'resolved' ? (l.files ?? []) : []));
      assert.deepEqual(files.map((f) => f.location).sort(), ['file:///w/t/ours2+theirs', 'file:///w/u/ours+theirs']);
      const pending = await store.pendingFiles(100);
      if (store.journalsFiles) {
        assert.deepEqual(pending.map((f) => f.location).sort(), files.map((f) => f.location).sort());
        assert.deepEqual(pending[0].bytes, Buffer.from('{}'));
      } else {
        assert.deepEqual(pending, []);
      }
    });

    it('reports a resolver refusal as a conflict and discards what it resolved', async () => {
      await diverge();
      await commit('feature', [put(key('u'), 'theirs-refuse')]);
      await commit('main', [put(key('u'), 'ours')]);
      const before = await head();
      const { resolver, discarded } = joiningResolver({ refuse: 'refuse' });
      // The error carries the kinds too, for clients that read the 409's conflicts.
      await assert.rejects(store.merge({ fromRefName: 'feature', toBranch: 'main', resolver }), (err: unknown) => {
        assert.ok(err instanceof ReferenceConflictError);
        const conflicts = err.data['conflicts'] as Array<{ kinds?: string[] }>;
        assert.deepEqual(
          conflicts.map((c) => c.kinds),
          [['unique-key-collision']],
        );
        return true;
      });
      assert.equal(await head(), before);
      const r = await store.merge({
        fromRefName: 'feature',
        toBranch: 'main',
        resolver,
        returnConflictAsResult: true,
      });
      assert.equal(r.wasSuccessful, false);
      const u = r.details.find((d) => d.key.elements[0] === 'u');
      assert.equal(u?.outcome, 'CONFLICT');
      assert.equal(u?.conflict?.conflictType, 'VALUE_DIFFERS');
      assert.deepEqual(u?.conflict?.kinds, ['unique-key-collision']);
      assert.equal(discarded.length, 4); // both answers of both attempts
    });

    it('resolves without writing on a dry run and discards the answers', async () => {
      await diverge();
      const before = await head();
      const { resolver, calls, discarded } = joiningResolver();
      const r = await store.merge({ fromRefName: 'feature', toBranch: 'main', resolver, dryRun: true });
      assert.ok(r.wasSuccessful && !r.wasApplied);
      assert.equal(r.details.find((d) => d.key.elements[0] === 't')?.outcome, 'RESOLVED');
      assert.deepEqual(
        calls.map((c) => c.write),
        [false],
      );
      assert.equal(discarded.length, 1);
      assert.equal(await head(), before);
    });

    it('resolves again when the target moves while the resolver works', async () => {
      await diverge();
      const { resolver, calls, discarded } = joiningResolver({
        during: async () => void (await commit('main', [put(key('t'), 'ours2')])),
      });
      const r = await store.merge({ fromRefName: 'feature', toBranch: 'main', resolver });
      assert.ok(r.wasApplied);
      assert.equal(calls.length, 2);
      assert.equal(discarded.length, 1);
      assert.equal(await locationAt(await head(), key('t')), 'ours2+theirs');
    });

    it('does not ask the resolver when no key changed on both sides', async () => {
      await commit('main', [put(key('t'), 'base')]);
      await store.createReference('feature', 'BRANCH', await head());
      await commit('feature', [put(key('t'), 'theirs')]);
      await commit('main', [put(key('other'), 'ours')]);
      const { resolver, calls } = joiningResolver();
      const r = await store.merge({ fromRefName: 'feature', toBranch: 'main', resolver });
      assert.ok(r.wasApplied);
      assert.equal(calls.length, 0);
      assert.equal(await locationAt(await head(), key('t')), 'theirs');
    });

    it('asks the caller about every key the source changed before the resolver, and writes nothing when refused', async () => {
      await diverge();
      const { resolver, calls } = joiningResolver();
      const asked: string[][] = [];
      const refuse = (keys: readonly ChangedKey[]) => {
        asked.push(keys.map((k) => `${k.key.elements.join('.')}:${k.type}`));
        if (keys.some((k) => k.key.elements[0] === 'n'))
          throw new ForbiddenError('c', 'merge', 'main', 'missing-permission');
      };
      const before = await head();
      for (const dryRun of [false, true]) {
        await assert.rejects(
          store.merge({ fromRefName: 'feature', toBranch: 'main', resolver, authorizeKeys: refuse, dryRun }),
          ForbiddenError,
        );
      }
      const picked = await head('feature');
      await assert.rejects(
        store.transplant({
          fromRefName: 'feature',
          hashesToTransplant: [picked],
          toBranch: 'main',
          resolver,
          authorizeKeys: refuse,
        }),
        ForbiddenError,
      );
      assert.equal(await head(), before, 'nothing written');
      assert.equal(calls.length, 0, 'the resolver was not asked');
      assert.deepEqual([...asked[0]!].sort(), ['n:ICEBERG_TABLE', 't:ICEBERG_TABLE']);
      // Accepted: the merge goes on as without the check.
      const r = await store.merge({ fromRefName: 'feature', toBranch: 'main', resolver, authorizeKeys: () => {} });
      assert.ok(r.wasApplied);
    });

    it('keeps FORCE and DROP ahead of the resolver', async () => {
      await diverge();
      const { resolver, calls } = joiningResolver();
      await store.merge({ fromRefName: 'feature', toBranch: 'main', resolver, defaultKeyMergeMode: 'FORCE' });
      assert.equal(await locationAt(await head(), key('t')), 'theirs');
      assert.equal(calls.length, 0);
    });

    it('transplants commit by commit, each resolved against the result of the previous one', async () => {
      await commit('main', [put(key('t'), 'base')]);
      await store.createReference('feature', 'BRANCH', await head());
      const c1 = await commit('feature', [put(key('t'), 'f1')]);
      const c2 = await commit('feature', [put(key('t'), 'f2')]);
      await commit('main', [put(key('t'), 'ours')]);
      const { resolver, calls } = joiningResolver();
      const r = await store.transplant({
        fromRefName: 'feature',
        hashesToTransplant: [c1, c2],
        toBranch: 'main',
        resolver,
      });
      assert.equal(r.addedCommits.length, 2);
      assert.equal(await locationAt(await head(), key('t')), 'ours+f1+f2');
      assert.equal(calls.length, 2);
    });
  });
}
