import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startTestServer, http, type TestServer } from './support/server.ts';
import { branchFromMain } from './support/catalog-commits.ts';
import { appendCommit, APPEND_SCHEMA, newTableState } from './support/iceberg-appends.ts';

/**
 * One writer's unreadable file must not stop GC or anyone's purge: a table on one branch whose snapshot names a file
 * that is not Avro, or a directory, as its manifest list. GC and unrelated purges still succeed, the unreadable file
 * and everything that table's metadata names directly stay, and the report says which table and file could not be
 * read. Retention 0, so purge reads and marks the catalog at once.
 */
describe('storage: an unreadable file of one table stops neither GC nor purge', function () {
  let server: TestServer;
  let wh: string;
  const ice = (ref: string) => `${server.url}/iceberg/${ref}/v1`;
  const gc = (body: Record<string, unknown>) => http('POST', `${server.url}/api/v2/rat/gc`, body);
  const exists = (location: string) => existsSync(fileURLToPath(location));

  /** A snapshot whose manifest list is `list`, committed to `db.<name>` on `ref`. */
  async function commitSnapshot(ref: string, name: string, list: string) {
    const snapshotId = 4242;
    return http('POST', `${ice(ref)}/namespaces/db/tables/${name}`, {
      requirements: [],
      updates: [
        {
          action: 'add-snapshot',
          snapshot: {
            'snapshot-id': snapshotId,
            'sequence-number': 1,
            'timestamp-ms': Date.now(),
            'manifest-list': list,
            summary: { operation: 'append' },
            'schema-id': 0,
          },
        },
        { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshotId },
      ],
    });
  }

  let junk: string;
  let dir: string;
  let junkMetadata: string;

  before(async () => {
    server = await startTestServer({ keepHistory: '0' });
    wh = pathToFileURL(path.join(server.dataDir, 'warehouse')).href;
    assert.equal((await http('POST', `${ice('main')}/namespaces`, { namespace: ['db'] })).status, 200);
    assert.equal((await http('POST', `${ice('main')}/namespaces`, { namespace: ['x'] })).status, 200);
    await branchFromMain(server.url, 'dev');
    await branchFromMain(server.url, 'other');
    mkdirSync(path.join(server.dataDir, 'warehouse', 'db', 'listdir'), { recursive: true });
    junk = `${wh}/db/junk.avro`;
    dir = `${wh}/db/listdir`;
    writeFileSync(fileURLToPath(junk), 'this is not avro');
    writeFileSync(path.join(fileURLToPath(dir), 'inside.bin'), 'x');
    for (const [name, list] of [
      ['junk', junk],
      ['dir', dir],
    ]) {
      const t = await http('POST', `${ice('dev')}/namespaces/db/tables`, { name, schema: APPEND_SCHEMA });
      assert.equal(t.status, 200, JSON.stringify(t.body));
      const c = await commitSnapshot('dev', name, list);
      assert.equal(c.status, 200, JSON.stringify(c.body));
      if (name === 'junk') junkMetadata = c.body['metadata-location'];
    }
  });
  after(() => server?.stop());

  it('GC (dry run) succeeds, keeps the unreadable files and says which table and file it could not read', async () => {
    const r = await gc({ dryRun: true, gracePeriod: '0' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const listed = r.body.files.map((f: { location: string }) => f.location);
    assert.ok(!listed.includes(junk), 'the unreadable manifest list is kept');
    assert.ok(!listed.includes(junkMetadata), 'the metadata naming it is kept');
    const unreadable = r.body.unreadable as Array<{ table: string; location: string; error: string }>;
    const junkEntry = unreadable.find((u) => u.location === junk);
    assert.ok(junkEntry, JSON.stringify(unreadable));
    assert.equal(junkEntry.table, 'db.junk');
    assert.match(junkEntry.error, /Avro/);
    const dirEntry = unreadable.find((u) => u.location === dir);
    assert.ok(dirEntry, JSON.stringify(unreadable));
    assert.equal(dirEntry.table, 'db.dir');
  });

  it('an unrelated table on another branch purges, and deletes its own files', async () => {
    const t = await http('POST', `${ice('other')}/namespaces/x/tables`, { name: 'victim', schema: APPEND_SCHEMA });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const { body } = appendCommit(newTableState(t.body.metadata.location));
    const c = await http('POST', `${ice('other')}/namespaces/x/tables/victim`, body);
    assert.equal(c.status, 200, JSON.stringify(c.body));
    const purge = await http('DELETE', `${ice('other')}/namespaces/x/tables/victim?purgeRequested=true`);
    assert.equal(purge.status, 204, JSON.stringify(purge.body));
    assert.match(purge.headers.get('x-rat-purge') ?? '', /^deleted=[1-9]\d*; retained=0$/);
    assert.ok(!exists(c.body['metadata-location']));
  });

  it('a real GC run deletes nothing the unreadable tables name; they still load', async () => {
    const r = await gc({ gracePeriod: '0' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(exists(junk) && exists(junkMetadata));
    assert.equal((await http('GET', `${ice('dev')}/namespaces/db/tables/junk`)).status, 200);
    assert.equal((await http('GET', `${ice('dev')}/namespaces/db/tables/dir`)).status, 200);
  });

  it('purging the unreadable table itself succeeds; with all history kept GC still reads past it', async () => {
    // GC took the file inside the folder (nothing names it); purge is asked to delete the folder itself and does not.
    writeFileSync(path.join(fileURLToPath(dir), 'inside.bin'), 'x');
    const purge = await http('DELETE', `${ice('dev')}/namespaces/db/tables/dir?purgeRequested=true`);
    assert.equal(purge.status, 204, JSON.stringify(purge.body));
    assert.ok(existsSync(path.join(fileURLToPath(dir), 'inside.bin')), 'a folder is never deleted');
    const drop = await http('DELETE', `${ice('dev')}/namespaces/db/tables/junk`);
    assert.equal(drop.status, 204);
    const r = await gc({ dryRun: true, keepHistory: 'all', gracePeriod: '0' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.unreadable.some((u: { table: string }) => u.table === 'db.junk'));
  });
});

/**
 * A purge whose file deletion fails after the drop was committed: the drop happened, so the answer is a success that
 * says the files were left for GC, and a retry finds no table (404), as for any dropped table.
 */
describe('storage: purge answers for the drop it committed even when deleting fails', function () {
  let server: TestServer;
  let socket: Server;

  before(async () => {
    server = await startTestServer({ keepHistory: '0' });
    assert.equal((await http('POST', `${server.url}/iceberg/v1/namespaces`, { namespace: ['db'] })).status, 200);
  });
  after(async () => {
    await new Promise((resolve) => socket?.close(resolve));
    await server?.stop();
  });

  it('a manifest list the storage cannot read (a socket: ENXIO) fails the deletion, not the answer', async () => {
    const ice = `${server.url}/iceberg/v1/namespaces/db/tables`;
    const t = await http('POST', ice, { name: 'sock', schema: APPEND_SCHEMA });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const list = `${t.body.metadata.location}/metadata/snap-1.avro`;
    socket = createServer();
    await new Promise<void>((resolve) => socket.listen(fileURLToPath(list), resolve));
    const c = await http('POST', `${ice}/sock`, {
      requirements: [],
      updates: [
        {
          action: 'add-snapshot',
          snapshot: {
            'snapshot-id': 1,
            'sequence-number': 1,
            'timestamp-ms': Date.now(),
            'manifest-list': list,
            summary: { operation: 'append' },
            'schema-id': 0,
          },
        },
      ],
    });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    const purge = await http('DELETE', `${ice}/sock?purgeRequested=true`);
    assert.equal(purge.status, 204, JSON.stringify(purge.body));
    assert.equal(purge.headers.get('x-rat-purge'), 'deleted=0; retained=deferred');
    assert.equal((await http('DELETE', `${ice}/sock?purgeRequested=true`)).status, 404);
  });
});
