import assert from 'node:assert/strict';
import { BadRequestError } from '../errors/index.ts';
import { copyCatalog } from './copy-catalog.ts';
import { openCatalogDatabase, type CatalogDatabase } from './open-store.ts';
import type { Operation } from './types.ts';

const put = (name: string, n: number): Operation => ({
  type: 'PUT',
  key: { elements: ['db', name] },
  content: { type: 'NAMESPACE', elements: ['db', name], properties: { n: String(n) } },
});

describe('copying a catalog between databases', () => {
  const open: CatalogDatabase[] = [];
  const memory = async () => {
    const db = await openCatalogDatabase({ backend: 'sqlite', file: ':memory:' });
    open.push(db);
    return db;
  };
  afterEach(async () => {
    for (const db of open.splice(0)) await db.store.close();
  });

  it('copies commits, refs, code links and released tables and the copy reads the same', async () => {
    const from = await memory();
    let head = (await from.store.getReference('main')).hash;
    for (let i = 0; i < 50; i++)
      head = (await from.store.commit('main', head, { message: `c${i}` }, [put(`t${i % 7}`, i)])).hash;
    await from.store.createReference('v1', 'TAG', head);
    await from.store.createReference('dev', 'BRANCH', head);
    await from.store.commit('dev', head, { message: 'on dev' }, [put('dev', 1)]);
    const gone = await from.store.createReference('gone', 'BRANCH', head);
    await from.store.deleteReference('gone', 'BRANCH', gone.hash);
    await from.codeLinks.put({ sha: 'c0ffee00', dataRef: 'main', dataHash: head });
    for (let i = 0; i < 3; i++) {
      await from.releasedTables.put({
        metadataLocation: `file:///wh/db/r${i}/metadata/v1.metadata.json`,
        prefixes: [`file:///wh/db/r${i}/`],
        ref: 'main',
        table: ['db', `r${i}`],
      });
    }

    const to = await memory();
    const report = await copyCatalog(from, to);
    // Reflog: CREATE main, 50 commits, CREATE v1 and dev, the dev commit, CREATE and DELETE gone.
    assert.deepEqual(report, {
      commits: 52,
      nodes: report.nodes,
      refs: 3,
      codeLinks: 1,
      pendingMerges: 0,
      releasedTables: 3,
      reflog: 56,
    });
    assert.deepEqual(await to.store.listReferences(), await from.store.listReferences());
    assert.deepEqual(await to.store.log(head, { maxRecords: 100 }), await from.store.log(head, { maxRecords: 100 }));
    assert.deepEqual(
      await to.store.listEntries((await to.store.getReference('dev')).hash),
      await from.store.listEntries((await from.store.getReference('dev')).hash),
    );
    assert.equal((await to.codeLinks.get('c0ffee00'))?.dataHash, head);
    assert.deepEqual(await to.releasedTables.list(undefined, 10), await from.releasedTables.list(undefined, 10));
  });

  it('copies the reflog in order with its times; pages and later lines continue from it', async () => {
    const from = await memory();
    let head = (await from.store.getReference('main')).hash;
    for (let i = 0; i < 5; i++) {
      head = (await from.store.commit('main', head, { message: `c${i}` }, [put('t', i)])).hash;
      await from.store.createReference(`tag${i}`, 'TAG', head);
    }
    const to = await memory();
    // Copied later than written: the lines keep the source's times, not the copy's.
    await new Promise((r) => setTimeout(r, 20));
    await copyCatalog(from, to);
    const all = async (db: CatalogDatabase) => (await db.store.reflog({ maxRecords: 1000 })).items;
    assert.deepEqual(await all(to), await all(from));
    assert.equal((await all(to)).length, 11);
    const firstPage = await to.store.reflog({ maxRecords: 4 });
    assert.deepEqual(firstPage, await from.store.reflog({ maxRecords: 4 }));
    assert.deepEqual(
      await to.store.reflog({ maxRecords: 4, pageToken: firstPage.token }),
      await from.store.reflog({ maxRecords: 4, pageToken: firstPage.token }),
      'a page token of the source reads the same page on the copy',
    );
    assert.deepEqual(
      (await to.store.reflog({ refName: 'tag3', maxRecords: 10 })).items,
      (await from.store.reflog({ refName: 'tag3', maxRecords: 10 })).items,
    );
    await to.store.commit('main', head, { message: 'after the copy' }, [put('t', 99)]);
    const after = await all(to);
    assert.equal(after.length, 12);
    assert.deepEqual([after[0].operation, after[0].previousHash], ['COMMIT', head], 'a new line comes first');
    assert.deepEqual(after.slice(1), await all(from));
  });

  it('refuses a target that is not empty', async () => {
    const from = await memory();
    const to = await memory();
    await to.store.commit('main', (await to.store.getReference('main')).hash, { message: 'x' }, [put('x', 1)]);
    await assert.rejects(copyCatalog(from, to), BadRequestError);
  });

  it('refuses a source that still holds journaled metadata files, until they are forgotten', async () => {
    const from = await memory();
    const file = { location: 'file:///wh/db/t/metadata/00001.metadata.json', bytes: Buffer.from('{}') };
    const head = (await from.store.getReference('main')).hash;
    await from.store.commit('main', head, { message: 'c' }, [put('t', 1)], { files: [file] });
    await assert.rejects(copyCatalog(from, await memory()), /start the server on it once/);
    await from.store.forgetFiles([file.location]);
    assert.equal((await copyCatalog(from, await memory())).commits, 2);
  });
});
