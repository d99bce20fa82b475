import assert from 'node:assert/strict';
import { BadRequestError } from '../errors/index.ts';
import type { Reference, ReferencePageRequest, VersionStore } from './types.ts';

/**
 * Contract cases for `listReferencesPage`, run inside the VersionStore contract (so on SQLite and PostgreSQL):
 * order, tokens, refs added between pages, and filtered pages. `current` answers the suite's fresh store.
 *
 * @example describeReferencePages(() => store)
 */
export function describeReferencePages(current: () => VersionStore): void {
  /** Every page's names and whether it carried a token, following tokens to the end. */
  const allPages = async (opts: ReferencePageRequest): Promise<{ pages: string[][]; tokens: boolean[] }> => {
    const pages: string[][] = [];
    const tokens: boolean[] = [];
    let pageToken: string | undefined;
    do {
      const page = await current().listReferencesPage({ ...opts, pageToken });
      pages.push(page.items.map((r: Reference) => r.name));
      tokens.push(page.token !== undefined);
      pageToken = page.token;
    } while (pageToken && pages.length < 100);
    return { pages, tokens };
  };

  describe('reference pages', () => {
    it('lists branches before tags, each in code-point name order, page by page', async () => {
      const store = current();
      const h = (await store.getReference('main')).hash;
      for (const n of ['z', 'b', 'B', 'é']) await store.createReference(n, 'BRANCH', h);
      for (const n of ['a', 'v2', 'v10']) await store.createReference(n, 'TAG', h);
      const { pages, tokens } = await allPages({ maxRecords: 3 });
      assert.deepEqual(pages, [
        ['B', 'b', 'main'],
        ['z', 'é', 'a'],
        ['v10', 'v2'],
      ]);
      assert.deepEqual(tokens, [true, true, false]);
      const one = await store.listReferencesPage();
      assert.deepEqual(
        one.items.map((r) => [r.type, r.name, r.hash]),
        [
          ...pages
            .flat()
            .slice(0, 5)
            .map((n) => ['BRANCH', n, h]),
          ...pages
            .flat()
            .slice(5)
            .map((n) => ['TAG', n, h]),
        ],
      );
      assert.equal(one.token, undefined);
    });

    it('lists branches only, in pages, ending where the tags begin', async () => {
      const store = current();
      const h = (await store.getReference('main')).hash;
      for (const n of ['b', 'z']) await store.createReference(n, 'BRANCH', h);
      for (const n of ['a', 'v1', 'v2']) await store.createReference(n, 'TAG', h);
      const first = await store.listReferencesPage({ maxRecords: 2, branchesOnly: true });
      assert.deepEqual(
        first.items.map((r) => r.name),
        ['b', 'main'],
      );
      const rest = await store.listReferencesPage({ maxRecords: 2, branchesOnly: true, pageToken: first.token });
      assert.deepEqual(
        rest.items.map((r) => [r.type, r.name]),
        [['BRANCH', 'z']],
      );
      assert.equal(rest.token, undefined);
    });

    it('resumes after the last returned reference when references come and go between pages', async () => {
      const store = current();
      const h = (await store.getReference('main')).hash;
      for (const n of ['b', 'd', 'f']) await store.createReference(n, 'BRANCH', h);
      const first = await store.listReferencesPage({ maxRecords: 2 });
      assert.deepEqual(
        first.items.map((r) => r.name),
        ['b', 'd'],
      );
      await store.createReference('a', 'BRANCH', h);
      await store.createReference('e', 'BRANCH', h);
      await store.deleteReference('d', 'BRANCH', h);
      const rest = await store.listReferencesPage({ maxRecords: 10, pageToken: first.token });
      assert.deepEqual(
        rest.items.map((r) => r.name),
        ['e', 'f', 'main'],
      );
      assert.equal(rest.token, undefined);
    });

    it('fills a filtered page from further reads and gives a token only when a visible reference follows', async () => {
      const store = current();
      const h = (await store.getReference('main')).hash;
      for (let i = 0; i < 12; i++) await store.createReference(`t${String(i).padStart(2, '0')}`, 'TAG', h);
      await store.createReference('x', 'BRANCH', h);
      // Visible: x and the tags t03, t07, t11; every other reference is hidden, so each page reads past hidden ones.
      const filter = (r: Reference) => r.name === 'x' || ['t03', 't07', 't11'].includes(r.name);
      const { pages, tokens } = await allPages({ maxRecords: 2, filter });
      assert.deepEqual(pages, [
        ['x', 't03'],
        ['t07', 't11'],
      ]);
      assert.deepEqual(tokens, [true, false]);
      const none = await store.listReferencesPage({ maxRecords: 1, filter: () => false });
      assert.deepEqual(none, { items: [] });
    });

    it('refuses a token it did not issue', async () => {
      const store = current();
      await assert.rejects(store.listReferencesPage({ pageToken: 'not a token!' }), BadRequestError);
      // Valid base64url, but no type and name inside.
      await assert.rejects(store.listReferencesPage({ pageToken: '6d61696e' }), BadRequestError);
      await assert.rejects(store.listReferencesPage({ maxRecords: 0 }), BadRequestError);
    });
  });
}
