import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { key, put } from '../../store/contract-fixture.ts';
import { SqliteVersionStore } from '../../store/sqlite/sqlite-store.ts';
import type { JournaledFile } from '../../store/types.ts';
import { FileWarehouseIO } from '../../warehouse/file-warehouse-io.ts';
import { LocationPolicy } from '../../warehouse/location-policy.ts';
import { FileJournal, JOURNAL_MAX_BYTES } from './file-journal.ts';

describe('file journal', () => {
  let dir: string;
  let store: SqliteVersionStore;
  let journal: FileJournal;
  let io: FileWarehouseIO;
  const errors: unknown[] = [];
  const logger = { error: (o: unknown) => errors.push(o), warn: (o: unknown) => errors.push(o) } as never;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-journal-unit-'));
    store = await SqliteVersionStore.open(path.join(dir, 'catalog.db'));
    io = new FileWarehouseIO(pathToFileURL(path.join(dir, 'wh')).href);
    journal = new FileJournal(store, new LocationPolicy([{ io }]), logger);
    errors.length = 0;
  });
  afterEach(async () => {
    await journal.drain();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const loc = (n: number) => `${io.root}/db/t/metadata/0000${n}.metadata.json`;
  async function commitWith(...files: JournaledFile[]): Promise<void> {
    for (const f of files) await io.writeProvisional(f.location, f.bytes);
    const head = (await store.getReference('main')).hash;
    await store.commit('main', head, { message: 'm' }, [put(key(`t${files[0].location.length}`), 'x')], { files });
  }

  it('accepts files of a local file warehouse on SQLite up to JOURNAL_MAX_BYTES', () => {
    assert.equal(journal.accepts(io, 1_000), true);
    assert.equal(journal.accepts(io, JOURNAL_MAX_BYTES), true);
    assert.equal(journal.accepts(io, JOURNAL_MAX_BYTES + 1), false);
  });

  it('forgets files once they are durable, and only then', async () => {
    const files = [1, 2].map((n) => ({ location: loc(n), bytes: Buffer.from(`{"n":${n}}`) }));
    await commitWith(...files);
    assert.equal((await store.pendingFiles(10)).length, 2);
    journal.settle(files);
    await journal.drain();
    assert.deepEqual(await store.pendingFiles(10), []);
    assert.deepEqual(errors, []);
  });

  it('keeps a file that could not be made durable, and restores it at the next start', async () => {
    const f = { location: loc(3), bytes: Buffer.from('{"n":3}') };
    await commitWith(f);
    unlinkSync(new URL(f.location));
    journal.settle([f]);
    await journal.drain();
    assert.equal(errors.length, 1, 'the failure is logged');
    assert.deepEqual(await store.pendingFiles(10), [f]);
    assert.equal(await journal.recover(), 1);
    assert.equal(readFileSync(new URL(f.location), 'utf8'), f.bytes.toString());
    assert.deepEqual(await store.pendingFiles(10), []);
  });

  it('recovery replaces a torn file and keeps a file whose storage is no longer owned', async () => {
    const torn = { location: loc(4), bytes: Buffer.from('{"n":4,"long":"enough"}') };
    await commitWith(torn);
    writeFileSync(new URL(torn.location), '{"n":');
    const elsewhere = { location: 'file:///not/owned/metadata/00001.metadata.json', bytes: Buffer.from('{}') };
    const head = (await store.getReference('main')).hash;
    await store.commit('main', head, { message: 'm' }, [put(key('u'), 'y')], { files: [elsewhere] });
    assert.equal(await journal.recover(), 1);
    assert.equal(readFileSync(new URL(torn.location), 'utf8'), torn.bytes.toString());
    assert.deepEqual(await store.pendingFiles(10), [elsewhere]);
    assert.equal(errors.length, 1, 'the file outside the warehouse is reported');
  });

  it('recovery reaches files listed after more than a page of files it cannot restore', async () => {
    // Locations sort before the warehouse's: 1,001 files of a storage no longer configured fill the first page.
    const gone = Array.from({ length: 1_001 }, (_, i) => ({
      location: `file:///gone/metadata/${String(i).padStart(5, '0')}.metadata.json`,
      bytes: Buffer.from('{}'),
    }));
    const last = { location: loc(5), bytes: Buffer.from('{"n":5}') };
    assert.ok(gone.every((g) => g.location < last.location));
    const head = (await store.getReference('main')).hash;
    await store.commit('main', head, { message: 'm' }, [put(key('v'), 'z')], { files: [...gone, last] });
    assert.equal(await journal.recover(), 1);
    assert.equal(readFileSync(new URL(last.location), 'utf8'), last.bytes.toString());
    assert.equal((await store.pendingFiles(2_000)).length, gone.length, 'the others stay journaled');
  });
});
