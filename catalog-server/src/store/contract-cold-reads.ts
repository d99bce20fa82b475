import assert from 'node:assert/strict';
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
  });
}
