import assert from 'node:assert/strict';
import { NoSuchReferenceError } from '../errors/index.ts';
import type { CoreVersionStore } from './core/version-store.ts';
import { key, put } from './contract-fixture.ts';
import type { Commit, VersionStore } from './types.ts';

/** A store that wrote a history, and a way to open a second store on the same database with nothing cached. */
export interface ColdReadFixture {
  writer: VersionStore;
  openReader(): Promise<VersionStore>;
  /** Removes what the fixture created (after both stores are closed). */
  cleanup?(): void;
}

/**
 * Reads on a store that has none of the objects cached — a restarted server, another replica: the log pages through a
 * history another store instance wrote, the same as the writer sees it (the log reads a page's commits as one chain).
 *
 * @example describeColdReadContract('SQLite on disk', async () => ({ writer, openReader: () => SqliteVersionStore.open(file) }))
 */
export function describeColdReadContract(name: string, open: () => Promise<ColdReadFixture>): void {
  describe(`VersionStore cold reads: ${name}`, () => {
    let fixture: ColdReadFixture;
    let reader: VersionStore | undefined;
    beforeEach(async () => {
      fixture = await open();
      reader = undefined;
    });
    afterEach(async () => {
      await reader?.close();
      await fixture.writer.close();
      fixture.cleanup?.();
    });

    const allPages = async (store: VersionStore, hash: string, maxRecords: number) => {
      const pages: Commit[][] = [];
      let pageToken: string | undefined;
      do {
        const page = await store.log(hash, { maxRecords, pageToken });
        pages.push(page.items);
        pageToken = page.token;
      } while (pageToken);
      return pages;
    };

    it('pages the log of a history it never read as the writer does', async () => {
      const w = fixture.writer;
      for (let i = 0; i < 25; i++) {
        const h = (await w.getReference('main')).hash;
        await w.commit('main', h, { message: `m${i}` }, [
          {
            type: 'PUT',
            key: { elements: ['t', String(i % 4)] },
            content: {
              type: 'ICEBERG_TABLE',
              metadataLocation: `file:///w/${i}`,
              snapshotId: i,
              schemaId: 0,
              specId: 0,
              sortOrderId: 0,
            },
          },
        ]);
        if (i === 9) await w.createReference('side', 'BRANCH', (await w.getReference('main')).hash);
      }
      const head = (await w.getReference('main')).hash;
      const side = (await w.getReference('side')).hash;
      for (const size of [7, 10, 25, 100, 1]) {
        // A fresh reader for each page size: one that read the history once has it cached.
        await reader?.close();
        reader = await fixture.openReader();
        const cold = await allPages(reader, head, size);
        assert.deepEqual(cold, await allPages(w, head, size), `pages of ${size}`);
        assert.deepEqual(
          cold.flat().map((c) => c.message),
          Array.from({ length: 25 }, (_, i) => `m${24 - i}`),
        );
      }
      // A log from another ref's head, whose commits the reader holds by now.
      assert.deepEqual(
        (await reader!.log(side, { maxRecords: 100 })).items.map((c) => c.message),
        Array.from({ length: 10 }, (_, i) => `m${9 - i}`),
      );
    });

    it('reads a page of commits at once and walks ~N and *time a page per round trip, as the writer does', async () => {
      const w = fixture.writer;
      // The first-parent line, head first: 40 commits, then the root.
      const line: string[] = [(await w.getReference('main')).hash];
      for (let i = 0; i < 40; i++) {
        const op = put(key('t', String(i % 4)), `file:///w/${i}`);
        line.unshift((await w.commit('main', line[0]!, { message: `m${i}` }, [op])).hash);
      }
      reader = await fixture.openReader();
      const persistence = (reader as CoreVersionStore).persistence;
      const found = await persistence.getCommits([line[3]!, 'f'.repeat(64), line[0]!]);
      assert.deepEqual(found.map((c) => c.hash).sort(), [line[0]!, line[3]!].sort(), 'unknown hashes are left out');
      assert.deepEqual(
        found.find((c) => c.hash === line[3]),
        await (w as CoreVersionStore).persistence.getCommit(line[3]!),
      );
      const counts = { getCommit: 0, getCommits: 0, firstParents: 0 };
      for (const name of Object.keys(counts) as Array<keyof typeof counts>) {
        const read = persistence[name].bind(persistence) as (...args: unknown[]) => Promise<unknown>;
        (persistence as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
          counts[name]++;
          return read(...args);
        };
      }
      // The store's view: in the order asked (repeats too), as `getCommit` has them without operations.
      const asked = [line[20]!, line[10]!, line[20]!, line[30]!];
      const expected = await Promise.all(
        asked.map(async (h) => ({ ...(await w.getCommit(h)), operations: undefined })),
      );
      const got = await reader.getCommits(asked);
      assert.deepEqual(
        got.map((c) => ({ ...c, operations: undefined })),
        expected,
      );
      await assert.rejects(reader.getCommits([line[1]!, '0'.repeat(64)]), NoSuchReferenceError);
      assert.equal(await reader.firstParentAncestor(line[0]!, 39), line[39]);
      assert.equal(await reader.firstParentAncestor(line[0]!, 40), reader.noAncestorHash);
      assert.equal(await reader.firstParentAncestor(line[0]!, 41), null);
      const times = await Promise.all(line.map(async (h) => Date.parse((await w.getCommit(h)).commitTime)));
      for (const i of [0, 5, 25, 40]) {
        const expectedAt = line[times.findIndex((t) => t <= times[i]!)];
        assert.equal(await reader.firstParentAsOf(line[0]!, times[i]!), expectedAt);
      }
      // One read for the 40 commits of ~39, one for the root; the *time walks find them all in memory.
      assert.deepEqual(counts, { getCommit: 0, getCommits: 2, firstParents: 2 });
    });

    it('lists the entries of a trie it never read as the writer does (its nodes read a level at a time)', async () => {
      const w = fixture.writer;
      // Enough keys for a trie of three levels (a leaf holds at most 32), in two namespaces.
      const ops = Array.from({ length: 1_200 }, (_, i) => put(key(i % 2 ? 'a' : 'b', `t${i}`), String(i)));
      await w.commit('main', (await w.getReference('main')).hash, { message: 'many' }, ops);
      const head = (await w.getReference('main')).hash;
      reader = await fixture.openReader();
      const listed = async (store: VersionStore) =>
        (await store.listEntries(head, { prefix: ['a'], withContent: true })).items.map((e) => [
          e.key.elements.join('.'),
          e.content,
        ]);
      const cold = await listed(reader);
      assert.equal(cold.length, 600);
      assert.deepEqual(cold, await listed(w));
    });

    it('finds the merge base across a history of merges it never read, as the writer does', async () => {
      const w = fixture.writer;
      const commit = async (branch: string, name: string, i: number) =>
        w.commit(branch, (await w.getReference(branch)).hash, { message: `${branch}${i}` }, [
          put(key('t', name), `file:///w/${name}/${i}`),
        ]);
      const fork = (await commit('main', 'm', 0)).hash;
      await w.createReference('old', 'BRANCH', fork);
      await w.createReference('feature', 'BRANCH', fork);
      await commit('old', 'o', 0);
      // 120 rounds of a commit on each side and a merge of feature into main: more commits after the fork than one
      // batch of ancestors holds, and every merge commit has two parents to follow.
      for (let i = 1; i <= 120; i++) {
        await commit('feature', 'f', i);
        await commit('main', 'm', i);
        await w.merge({ fromRefName: 'feature', toBranch: 'main' });
      }
      const old = (await w.getReference('old')).hash;
      const main = (await w.getReference('main')).hash;
      const feature = (await w.getReference('feature')).hash;
      reader = await fixture.openReader();
      assert.equal(await reader.mergeBase(old, main), fork);
      assert.equal(await reader.mergeBase(feature, main), feature);
      assert.equal(await reader.mergeBase(main, old), await w.mergeBase(main, old));

      // What the walk reads in one round trip: the nearest ancestors through both parents, each once, highest
      // generation first.
      const persistence = (w as CoreVersionStore).persistence;
      const all = await persistence.ancestorNodes(main, 1_000);
      assert.equal(all.length, 2 + 3 * 120, 'the root, the fork point, and 120 rounds of three commits');
      assert.equal(new Set(all.map((n) => n.hash)).size, all.length);
      const head = await w.getCommit(main);
      assert.deepEqual(all[0], {
        hash: main,
        parents: head.parentHashes,
        generation: head.generation,
        commitTime: head.commitTime,
      });
      assert.equal(all[0]!.parents.length, 2);
      assert.ok(!all.some((n) => n.hash === old));
      assert.deepEqual(
        all.map((n) => n.generation),
        all.map((n) => n.generation).sort((a, b) => b - a),
      );
      // The nearest four hold the merge and both its parents.
      const near = await persistence.ancestorNodes(main, 4);
      assert.equal(near.length, 4);
      assert.equal(near[0]!.hash, main);
      for (const p of near[0]!.parents) assert.ok(near.some((n) => n.hash === p));
      assert.deepEqual(await persistence.ancestorNodes('0'.repeat(64), 10), []);
    });

    it('walks down a history it never read a page of ancestors per round trip, within the walk’s bounds', async () => {
      const w = fixture.writer;
      const commit = async (branch: string, i: number) =>
        (
          await w.commit(branch, (await w.getReference(branch)).hash, { message: `${branch}${i}` }, [
            put(key('t', branch), `file:///w/${branch}/${i}`),
          ])
        ).hash;
      // 300 commits on main, with a side branch of three commits merged in half way.
      const first = await commit('main', 0);
      for (let i = 1; i < 300; i++) {
        await commit('main', i);
        if (i !== 150) continue;
        await w.createReference('side', 'BRANCH', (await w.getReference('main')).hash);
        for (let j = 0; j < 3; j++) await commit('side', j);
        await w.merge({ fromRefName: 'side', toBranch: 'main' });
      }
      const head = (await w.getReference('main')).hash;
      const floor = (await w.getCommit(first)).generation;

      // The persistence read: ancestors above the floor are followed, a commit at it is answered but not followed.
      const persistence = (w as CoreVersionStore).persistence;
      const bounded = await persistence.ancestorNodes(head, 1_000, floor);
      assert.equal(bounded.length, 304, 'main after the first commit, the merge, side, and the first commit');
      assert.equal(bounded.at(-1)!.hash, first);
      const above = bounded.filter((n) => n.generation > floor);
      for (const n of bounded.slice(1))
        assert.ok(
          above.some((m) => m.parents.includes(n.hash)),
          n.hash,
        );
      assert.ok((await persistence.ancestorNodes(head, 1_000)).length > bounded.length, 'unbounded goes to the root');

      // A cold reader walking the first-parent line down to `first` reads pages of ancestors, never a whole commit.
      reader = await fixture.openReader();
      const cold = (reader as CoreVersionStore).persistence;
      const pages: number[] = [];
      let commitReads = 0;
      const ancestorNodes = cold.ancestorNodes.bind(cold);
      const getCommit = cold.getCommit.bind(cold);
      cold.ancestorNodes = async (hash, limit, below) => {
        const page = await ancestorNodes(hash, limit, below);
        pages.push(page.length);
        return page;
      };
      cold.getCommit = async (hash) => {
        commitReads++;
        return getCommit(hash);
      };
      const walk = async (wanted: number) => {
        const seen: string[] = [];
        for (let h: string | undefined = head; h !== undefined && h !== first;) {
          const links = await reader!.commitLinks(h, { floor, wanted: wanted - seen.length });
          const c = await w.getCommit(h);
          assert.deepEqual(links, { generation: c.generation, parentHashes: c.parentHashes, commitTime: c.commitTime });
          seen.push(h);
          h = links.parentHashes[0];
        }
        return seen.length;
      };
      assert.equal(await walk(20_000), 300);
      assert.deepEqual([pages, commitReads], [[304], 0]);
      // Fewer loads left: no page is larger than the walk may still load.
      await reader.close();
      reader = await fixture.openReader();
      const small = (reader as CoreVersionStore).persistence;
      const smallPages: number[] = [];
      const smallRead = small.ancestorNodes.bind(small);
      small.ancestorNodes = async (hash, limit, below) => {
        const page = await smallRead(hash, limit, below);
        smallPages.push(page.length);
        return page;
      };
      let left = 50;
      for (let h = head; left > 0; left--) h = (await reader.commitLinks(h, { floor, wanted: left })).parentHashes[0]!;
      assert.deepEqual(smallPages, [50]);
      await assert.rejects(reader.commitLinks('0'.repeat(64)), NoSuchReferenceError);
    });
  });
}
