import assert from 'node:assert/strict';
import { ReferenceConflictError } from '../../errors/index.ts';
import { key, put } from '../contract-fixture.ts';
import { SqliteVersionStore } from './sqlite-store.ts';

describe('SQLite store: files journaled with their commit', () => {
  let store: SqliteVersionStore;
  beforeEach(async () => {
    store = await SqliteVersionStore.open(':memory:');
  });
  afterEach(() => store.close());

  const head = async () => (await store.getReference('main')).hash;
  const file = (n: number) => ({
    location: `file:///wh/db/t/metadata/0000${n}.metadata.json`,
    bytes: Buffer.from(`{"n":${n}}`),
  });

  it('keeps the files of a commit that landed until they are forgotten', async () => {
    assert.equal(store.journalsFiles, true);
    await store.commit('main', await head(), { message: 'm' }, [put(key('t'), 'a')], { files: [file(1), file(2)] });
    assert.deepEqual(await store.pendingFiles(10), [file(1), file(2)]);
    await store.forgetFiles([file(1).location]);
    assert.deepEqual(await store.pendingFiles(10), [file(2)]);
  });

  it('keeps the bytes as given, and reads a file an earlier version journaled as text', async () => {
    // Not valid UTF-8 on purpose: the journal must not decode what it keeps.
    const raw = { location: file(7).location, bytes: Buffer.from([0x7b, 0xff, 0x7d]) };
    await store.commit('main', await head(), { message: 'm' }, [put(key('t'), 'a')], { files: [raw] });
    store.db.prepare('INSERT INTO file_journal (location, body) VALUES (?, ?)').run(file(8).location, '{"n":8}');
    assert.deepEqual(await store.pendingFiles(10), [raw, file(8)]);
  });

  it('keeps nothing of a commit that did not land', async () => {
    const base = await head();
    await store.commit('main', base, { message: 'first' }, [put(key('t'), 'a')]);
    await assert.rejects(
      store.commit('main', base, { message: 'stale' }, [put(key('t'), 'b')], { files: [file(3)] }),
      ReferenceConflictError,
    );
    assert.deepEqual(await store.pendingFiles(10), []);
  });

  it('keeps the files of commits that share one transaction, and only theirs', async () => {
    const base = await head();
    const results = await Promise.allSettled([
      store.commit('main', base, { message: 'w1' }, [put(key('t1'), 'one')], { files: [file(4)] }),
      store.commit('main', base, { message: 'w2' }, [put(key('t2'), 'two')], { files: [file(5)] }),
      store.commit('main', base, { message: 'w3' }, [put(key('t1'), 'three')], { files: [file(6)] }),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected'],
    );
    assert.deepEqual(await store.pendingFiles(10), [file(4), file(5)]);
  });
});
