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

  it('copies commits, refs and code links and the copy reads the same', async () => {
    const from = await memory();
    let head = (await from.store.getReference('main')).hash;
    for (let i = 0; i < 50; i++)
      head = (await from.store.commit('main', head, { message: `c${i}` }, [put(`t${i % 7}`, i)])).hash;
    await from.store.createReference('v1', 'TAG', head);
    await from.store.createReference('dev', 'BRANCH', head);
    await from.store.commit('dev', head, { message: 'on dev' }, [put('dev', 1)]);
    await from.codeLinks.put({ sha: 'c0ffee00', dataRef: 'main', dataHash: head });

    const to = await memory();
    const report = await copyCatalog(from, to);
    assert.deepEqual(report, { commits: 52, nodes: report.nodes, refs: 3, codeLinks: 1, pendingMerges: 0 });
    assert.deepEqual(await to.store.listReferences(), await from.store.listReferences());
    assert.deepEqual(await to.store.log(head, { maxRecords: 100 }), await from.store.log(head, { maxRecords: 100 }));
    assert.deepEqual(
      await to.store.listEntries((await to.store.getReference('dev')).hash),
      await from.store.listEntries((await from.store.getReference('dev')).hash),
    );
    assert.equal((await to.codeLinks.get('c0ffee00'))?.dataHash, head);
  });

  it('refuses a target that is not empty', async () => {
    const from = await memory();
    const to = await memory();
    await to.store.commit('main', (await to.store.getReference('main')).hash, { message: 'x' }, [put('x', 1)]);
    await assert.rejects(copyCatalog(from, to), BadRequestError);
  });
});
