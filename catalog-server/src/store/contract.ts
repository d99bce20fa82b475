import assert from 'node:assert/strict';
import {
  BadRequestError,
  InvalidReferenceNameError,
  NoSuchReferenceError,
  ReadOnlyReferenceError,
  ReferenceAlreadyExistsError,
  ReferenceConflictError,
} from '../errors/index.ts';
import type {
  Content,
  ContentInput,
  ContentKey,
  KeyResolution,
  KeyToResolve,
  MergeResolver,
  Operation,
  VersionStore,
} from './types.ts';
import { describeReferencePages } from './contract-ref-pages.ts';

/**
 * The behaviour every VersionStore must have, written once and run against each implementation (SQLite in memory
 * and on disk, PostgreSQL in test/store-postgres.test.ts). `factory` returns a fresh, empty store; the suite closes it.
 */
export function describeVersionStoreContract(name: string, factory: () => Promise<VersionStore>): void {
  describe(`VersionStore contract: ${name}`, () => {
    let store: VersionStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    const key = (...elements: string[]): ContentKey => ({ elements });
    const table = (loc: string, snapshotId = 1): ContentInput => ({
      type: 'ICEBERG_TABLE',
      metadataLocation: loc,
      snapshotId,
      schemaId: 0,
      specId: 0,
      sortOrderId: 0,
    });
    const put = (k: ContentKey, loc: string): Operation => ({ type: 'PUT', key: k, content: table(loc) });
    const head = async (ref = 'main') => (await store.getReference(ref)).hash;
    const commit = async (branch: string, ops: Operation[], message = 'change') =>
      (await store.commit(branch, await head(branch), { message }, ops)).hash;
    const locationAt = async (hash: string, k: ContentKey) => {
      const c = await store.getContent(hash, k);
      return c && 'metadataLocation' in c ? c.metadataLocation : undefined;
    };

    describe('references', () => {
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

    describeReferencePages(() => store);

    describe('commits', () => {
      it('applies many operations atomically and keeps content ids stable', async () => {
        const r = await store.commit('main', await head(), { message: 'two tables' }, [
          put(key('db', 'a'), 'a1'),
          put(key('db', 'b'), 'b1'),
        ]);
        assert.equal(r.addedContents.length, 2);
        const idA = (await store.getContent(r.hash, key('db', 'a')))!.id;
        const h2 = await commit('main', [put(key('db', 'a'), 'a2'), { type: 'DELETE', key: key('db', 'b') }]);
        const a2 = await store.getContent(h2, key('db', 'a'));
        assert.equal(a2!.id, idA);
        assert.equal(await store.getContent(h2, key('db', 'b')), undefined);
        // The old commit still reads the old state.
        assert.equal(await locationAt(r.hash, key('db', 'b')), 'b1');
        const c = await store.getCommit(h2);
        assert.deepEqual(c.parentHashes, [r.hash]);
        assert.equal(c.operations.length, 2);
      });

      it('keeps the id through a rename and gives a recreated key a new id', async () => {
        const h1 = await commit('main', [put(key('a'), 'x')]);
        const id = (await store.getContent(h1, key('a')))!.id;
        const h2 = await commit('main', [
          { type: 'DELETE', key: key('a') },
          { type: 'PUT', key: key('b'), content: { ...table('x'), id } },
        ]);
        assert.equal((await store.getContent(h2, key('b')))!.id, id);
        const h3 = await commit('main', [put(key('a'), 'new')]);
        assert.notEqual((await store.getContent(h3, key('a')))!.id, id);
      });

      it('lands concurrent commits on different keys and refuses one on the same key', async () => {
        const base = await head();
        await store.commit('main', base, { message: 'w1' }, [put(key('t1'), 'one')]);
        await store.commit('main', base, { message: 'w2' }, [put(key('t2'), 'two')]);
        await assert.rejects(store.commit('main', base, { message: 'w3' }, [put(key('t1'), 'three')]), (e) => {
          assert.ok(e instanceof ReferenceConflictError);
          return true;
        });
        await assert.rejects(
          store.commit('main', base, { message: 'w4' }, [{ type: 'UNCHANGED', key: key('t2') }]),
          ReferenceConflictError,
        );
        const h = await head();
        assert.equal(await locationAt(h, key('t1')), 'one');
        assert.equal(await locationAt(h, key('t2')), 'two');
      });

      it('refuses bad operations with a clear error and changes nothing', async () => {
        const h = await head();
        await assert.rejects(
          store.commit('main', h, { message: 'x' }, [{ type: 'DELETE', key: key('missing') }]),
          ReferenceConflictError,
        );
        await assert.rejects(
          store.commit('main', h, { message: 'x' }, [put(key('a'), '1'), put(key('a'), '2')]),
          BadRequestError,
        );
        await assert.rejects(store.commit('main', h, { message: 'x' }, [put(key(), '1')]), BadRequestError);
        await assert.rejects(store.commit('nope', h, { message: 'x' }, []), NoSuchReferenceError);
        assert.equal(await head(), h);
      });

      it('pages the log newest first and records properties', async () => {
        for (let i = 0; i < 5; i++) {
          await store.commit('main', await head(), { message: `c${i}`, properties: { run: String(i) } }, [
            put(key('t'), `v${i}`),
          ]);
        }
        const first = await store.log(await head(), { maxRecords: 2 });
        assert.deepEqual(
          first.items.map((c) => c.message),
          ['c4', 'c3'],
        );
        assert.equal(first.items[0].properties.run, '4');
        const second = await store.log(await head(), { maxRecords: 10, pageToken: first.token });
        assert.deepEqual(
          second.items.map((c) => c.message),
          ['c2', 'c1', 'c0'],
        );
        assert.equal(second.token, undefined);
      });

      it('lists entries with a prefix and pages them; diffs two commits by key', async () => {
        const h0 = await head();
        await commit('main', [put(key('a', 'x'), '1'), put(key('a', 'y'), '1'), put(key('b', 'z'), '1')]);
        const all = await store.listEntries(await head());
        assert.deepEqual(
          all.items.map((e) => e.key.elements.join('.')),
          ['a.x', 'a.y', 'b.z'],
        );
        const p1 = await store.listEntries(await head(), { prefix: ['a'], maxRecords: 1 });
        assert.equal(p1.items.length, 1);
        const p2 = await store.listEntries(await head(), { prefix: ['a'], maxRecords: 1, pageToken: p1.token });
        assert.deepEqual(
          [...p1.items, ...p2.items].map((e) => e.key.elements.join('.')),
          ['a.x', 'a.y'],
        );
        assert.equal(p2.token, undefined);
        const h1 = await head();
        await commit('main', [put(key('a', 'x'), '2'), { type: 'DELETE', key: key('b', 'z') }]);
        const d = await store.diff(h1, await head());
        assert.deepEqual(
          d.items.map((e) => [e.key.elements.join('.'), e.from ? 'from' : '-', e.to ? 'to' : '-']),
          [
            ['a.x', 'from', 'to'],
            ['b.z', 'from', '-'],
          ],
        );
        assert.equal((await store.diff(h0, h0)).items.length, 0);
        // Read page by page (later pages come from the cached sorted diff), the diff is the same, also under a prefix.
        const whole = (await store.diff(h0, await head())).items;
        const paged: typeof whole = [];
        let token: string | undefined;
        do {
          const page = await store.diff(h0, await head(), { maxRecords: 1, pageToken: token });
          paged.push(...page.items);
          token = page.token;
        } while (token);
        assert.deepEqual(paged, whole);
        const a1 = await store.diff(h0, await head(), { prefix: ['a'], maxRecords: 1 });
        const a2 = await store.diff(h0, await head(), { prefix: ['a'], maxRecords: 1, pageToken: a1.token });
        assert.deepEqual(
          [...a1.items, ...a2.items],
          whole.filter((e) => e.key.elements[0] === 'a'),
        );
        assert.equal(a2.token, undefined);
      });

      it('keeps a reflog of head moves', async () => {
        await commit('main', [put(key('t'), '1')]);
        await store.createReference('f', 'BRANCH', await head());
        const log = await store.reflog({ maxRecords: 10 });
        assert.deepEqual(log.items.map((e) => [e.refName, e.operation]).slice(0, 2), [
          ['f', 'CREATE'],
          ['main', 'COMMIT'],
        ]);
      });
    });

    describe('merge and transplant', () => {
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

    describe('merge and transplant with a resolver', () => {
      /** Joins the two locations ("a+b"), as a content-aware resolver would combine both sides' changes. */
      function joiningResolver(opts: { refuse?: string; during?: () => Promise<void> } = {}) {
        const calls: Array<{ key: KeyToResolve; write: boolean }> = [];
        const discarded: KeyResolution[] = [];
        const loc = (c: Content | undefined) => (c && 'metadataLocation' in c ? c.metadataLocation : '');
        const resolver: MergeResolver = {
          async resolve(k, { write }) {
            calls.push({ key: k, write });
            const during = opts.during;
            opts.during = undefined;
            await during?.();
            if (opts.refuse && loc(k.source).includes(opts.refuse)) return { kind: 'conflict', message: 'refused' };
            const value = { ...k.target!, metadataLocation: `${loc(k.target)}+${loc(k.source)}` } as Content;
            return { kind: 'resolved', value, summary: 'joined', stats: { joined: 1 } };
          },
          async discard(r) {
            discarded.push(r);
          },
        };
        return { resolver, calls, discarded };
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

      it('reports a resolver refusal as a conflict and discards what it resolved', async () => {
        await diverge();
        await commit('feature', [put(key('u'), 'theirs-refuse')]);
        await commit('main', [put(key('u'), 'ours')]);
        const before = await head();
        const { resolver, discarded } = joiningResolver({ refuse: 'refuse' });
        await assert.rejects(
          store.merge({ fromRefName: 'feature', toBranch: 'main', resolver }),
          ReferenceConflictError,
        );
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
  });
}
