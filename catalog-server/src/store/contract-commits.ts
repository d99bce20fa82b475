import assert from 'node:assert/strict';
import { BadRequestError, NoSuchReferenceError, ReferenceConflictError } from '../errors/index.ts';
import { key, table, put, storeSteps } from './contract-fixture.ts';
import type { VersionStore } from './types.ts';

/**
 * Contract cases for commits and what reads them: atomic multi-key commits, content ids, concurrent commits, refused
 * operations, the paged log, entries, diffs and the reflog. Run inside the VersionStore contract (so on SQLite and
 * PostgreSQL); `current` answers the suite's fresh store.
 *
 * @example describeCommitCases(() => store)
 */
export function describeCommitCases(current: () => VersionStore): void {
  const { head, commit, locationAt } = storeSteps(current);

  describe('commits', () => {
    let store: VersionStore;
    beforeEach(() => void (store = current()));

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
      assert.ok(
        all.items.every((e) => e.content === undefined),
        'no content unless asked for',
      );
      const withContent = await store.listEntries(await head(), { prefix: ['b'], withContent: true });
      assert.deepEqual(
        withContent.items.map((e) => e.content),
        [await store.getContent(await head(), key('b', 'z'))],
      );
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

    it('lists entries and diffs within a key range, both ends included and children after their key', async () => {
      const h0 = await head();
      await commit('main', [
        put(key('a'), '1'),
        put(key('a', 'x'), '1'),
        put(key('a', 'x', 'deep'), '1'),
        put(key('a', 'y'), '1'),
        put(key('a-b'), '1'),
        put(key('b', 'z'), '1'),
      ]);
      const names = (items: Array<{ key: { elements: string[] } }>) => items.map((e) => e.key.elements.join('.'));
      const range = { minKey: ['a', 'x'], maxKey: ['a', 'y'] };
      assert.deepEqual(names((await store.listEntries(await head(), range)).items), ['a.x', 'a.x.deep', 'a.y']);
      // A key's children sort after it and before its next sibling: a range ending at a.x leaves a.x.deep out.
      assert.deepEqual(names((await store.listEntries(await head(), { maxKey: ['a', 'x'] })).items), ['a', 'a.x']);
      assert.deepEqual(names((await store.listEntries(await head(), { minKey: ['a-b'] })).items), ['a-b', 'b.z']);
      // Bounds need not be keys; an empty range is an empty page.
      assert.deepEqual(names((await store.listEntries(await head(), { minKey: ['a', 'xa'] })).items).slice(0, 1), [
        'a.y',
      ]);
      assert.deepEqual((await store.listEntries(await head(), { minKey: ['b'], maxKey: ['a'] })).items, []);
      const p1 = await store.listEntries(await head(), { ...range, maxRecords: 2 });
      const p2 = await store.listEntries(await head(), { ...range, maxRecords: 2, pageToken: p1.token });
      assert.deepEqual(names([...p1.items, ...p2.items]), ['a.x', 'a.x.deep', 'a.y']);
      assert.equal(p2.token, undefined);
      assert.deepEqual(names((await store.diff(h0, await head(), range)).items), ['a.x', 'a.x.deep', 'a.y']);
      assert.deepEqual(names((await store.diff(h0, await head(), { minKey: ['a-b'] })).items), ['a-b', 'b.z']);
    });

    it('lists only the keys directly under a prefix, in pages', async () => {
      await commit('main', [put(key('a', 'x'), '1'), put(key('a', 'y'), '1')]);
      // A key below `a.x` is under the prefix `a` but not directly in it.
      await commit('main', [put(key('a', 'x', 'deep'), '1')]);
      const under = await store.listEntries(await head(), { prefix: ['a'] });
      assert.deepEqual(
        under.items.map((e) => e.key.elements.join('.')),
        ['a.x', 'a.x.deep', 'a.y'],
      );
      const children = await store.listEntries(await head(), { prefix: ['a'], childrenOnly: true, maxRecords: 1 });
      const rest = await store.listEntries(await head(), {
        prefix: ['a'],
        childrenOnly: true,
        maxRecords: 1,
        pageToken: children.token,
      });
      assert.deepEqual(
        [...children.items, ...rest.items].map((e) => e.key.elements.join('.')),
        ['a.x', 'a.y'],
      );
      assert.equal(rest.token, undefined);
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
}
