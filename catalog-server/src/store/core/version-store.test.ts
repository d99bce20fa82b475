import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ReferenceConflictError } from '../../errors/index.ts';
import { SqliteVersionStore } from '../sqlite/sqlite-store.ts';
import type { Operation } from '../types.ts';

const put = (name: string, n: number): Operation => ({
  type: 'PUT',
  key: { elements: ['db', name] },
  content: { type: 'NAMESPACE', elements: ['db', name], properties: { n: String(n) } },
});

describe('the store core with two servers on one database', () => {
  let dir: string;
  let a: SqliteVersionStore;
  let b: SqliteVersionStore;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-core-'));
    a = await SqliteVersionStore.open(path.join(dir, 'catalog.db'));
    b = await SqliteVersionStore.open(path.join(dir, 'catalog.db'));
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lands concurrent commits on different keys from both (re-planning after a lost compare-and-swap)', async () => {
    const base = (await a.getReference('main')).hash;
    const writes = Array.from({ length: 20 }, (_, i) =>
      (i % 2 ? a : b).commit('main', base, { message: `w${i}` }, [put(`t${i}`, i)]),
    );
    await Promise.all(writes);
    const head = (await b.getReference('main')).hash;
    assert.equal((await a.log(head, { maxRecords: 100 })).items.length, 20);
    assert.equal((await a.listEntries(head)).items.length, 20);
  });

  it('lets exactly one of two servers win a commit to the same key from the same base', async () => {
    const base = (await a.getReference('main')).hash;
    const results = await Promise.allSettled([
      a.commit('main', base, { message: 'from a' }, [put('same', 1)]),
      b.commit('main', base, { message: 'from b' }, [put('same', 2)]),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(lost.reason instanceof ReferenceConflictError);
  });

  it('sees a ref moved by the other server at once (heads are never cached)', async () => {
    const base = (await a.getReference('main')).hash;
    await a.getReference('main');
    const { hash } = await b.commit('main', base, { message: 'on b' }, [put('x', 1)]);
    assert.equal((await a.getReference('main')).hash, hash);
    assert.equal((await a.resolve('main')).hash, hash);
  });
});
