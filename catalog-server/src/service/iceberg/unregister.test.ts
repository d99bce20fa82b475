import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SqliteVersionStore } from '../../store/sqlite/sqlite-store.ts';
import { ReleasedTableStore } from '../../store/sqlite/released-table-store.ts';
import { createWarehouseIO, LocationPolicy } from '../../warehouse/index.ts';
import { createNamespace } from './namespaces.ts';
import { createTable } from './tables.ts';
import { releasedFolders, unregisterTable } from './unregister.ts';

describe('releasedFolders: where a released table keeps files', () => {
  it('its location and every write path its properties name, once each, without trailing slashes', () => {
    assert.deepEqual(
      releasedFolders({
        location: 's3://lake/wh/t/',
        properties: {
          'write.data.path': 's3://lake/data/t',
          'write.metadata.path': 's3://lake/wh/t',
          'write.object-storage.path': 's3://lake/objects/',
          'write.folder-storage.path': 's3://lake/folders/t',
          'write.format.default': 'parquet',
        },
      }),
      ['s3://lake/wh/t', 's3://lake/data/t', 's3://lake/objects', 's3://lake/folders/t'],
    );
    assert.deepEqual(releasedFolders({ location: 'file:///wh/db/t', properties: {} }), ['file:///wh/db/t']);
  });
});

describe('unregisterTable: a commit that fails takes its release back', () => {
  let dir: string;
  let store: SqliteVersionStore;
  let ctx: Parameters<typeof unregisterTable>[0];
  let released: ReleasedTableStore;
  let metadataLocation: string;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-unregister-'));
    store = await SqliteVersionStore.open(':memory:');
    released = new ReleasedTableStore(store.db);
    const warehouse = createWarehouseIO(pathToFileURL(dir).href);
    ctx = { store, warehouse, locations: new LocationPolicy([{ io: warehouse }]), releasedTables: released };
    await createNamespace(ctx, 'main', ['db'], {});
    const schema = { type: 'struct' as const, 'schema-id': 0, fields: [] };
    metadataLocation = (await createTable(ctx, 'main', ['db'], { name: 't', schema })).metadataLocation!;
    // The commit that would take the table off the branch fails as a full disk would make it.
    store.commit = async () => {
      throw new Error('disk full');
    };
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forgets a release it recorded', async () => {
    await assert.rejects(unregisterTable(ctx, 'main', ['db'], 't'), /disk full/);
    assert.deepEqual(await released.list(undefined, 10), []);
  });

  it('leaves an earlier release of the same metadata file as it was', async () => {
    const earlier = await released.put({ metadataLocation, prefixes: ['file:///x'], ref: 'dev', table: ['db', 't'] });
    await assert.rejects(unregisterTable(ctx, 'main', ['db'], 't'), /disk full/);
    assert.deepEqual(await released.list(undefined, 10), [earlier]);
  });
});
