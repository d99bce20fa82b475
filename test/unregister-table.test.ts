import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startTestServer, http, type TestServer } from './support/server.ts';
import { branchFromMain, headOf } from './support/catalog-commits.ts';
import { appendCommit, APPEND_SCHEMA, newTableState, type AppendState } from './support/iceberg-appends.ts';
import { runRat } from './support/rat-cli.ts';

/**
 * Iceberg REST `unregister`: a table leaves the branch and its files stay for the catalog that registers its last
 * metadata next. Retention 0, so nothing in the catalog's history keeps the files: only the release does. A second
 * catalog (another server, allowed to read the first one's warehouse) registers the table from the answer.
 */
describe('Iceberg REST: unregistering a table releases its files to another catalog', function () {
  let server: TestServer;
  let other: TestServer;
  let wh: string;
  const ice = (s: TestServer, ref: string) => `${s.url}/iceberg/${ref}/v1`;
  const table = (s: TestServer, ref: string, name: string) => `${ice(s, ref)}/namespaces/db/tables/${name}`;
  const exists = (location: string) => existsSync(fileURLToPath(location));
  /** Writes a file (a data file a manifest names, or one the new owner adds) so GC finds it when listing. */
  const put = (location: string) => {
    mkdirSync(path.dirname(fileURLToPath(location)), { recursive: true });
    writeFileSync(fileURLToPath(location), 'bytes');
    return location;
  };

  /** Creates `db.<name>` on main with two appends: one data file in its folder, one elsewhere in the warehouse. */
  async function tableWithFiles(name: string) {
    const created = await http('POST', `${ice(server, 'main')}/namespaces/db/tables`, { name, schema: APPEND_SCHEMA });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    let state: AppendState = newTableState(created.body.metadata.location);
    const inside = put(`${state.location}/data/in.parquet`);
    const outside = put(`${wh}/shared/${name}-out.parquet`);
    let last = '';
    for (const dataFile of [inside, outside]) {
      const { body, next } = appendCommit(state, { dataFile });
      const c = await http('POST', table(server, 'main', name), body);
      assert.equal(c.status, 200, JSON.stringify(c.body));
      state = next;
      last = c.body['metadata-location'];
    }
    return { state, inside, outside, metadata: last };
  }

  before(async () => {
    server = await startTestServer({ keepHistory: '0' });
    wh = pathToFileURL(path.join(server.dataDir, 'warehouse')).href;
    other = await startTestServer({ allowedLocations: [wh] });
    for (const s of [server, other]) {
      assert.equal((await http('POST', `${ice(s, 'main')}/namespaces`, { namespace: ['db'] })).status, 200);
    }
  });
  after(async () => {
    await server?.stop();
    await other?.stop();
  });

  it('answers the last metadata; the table is gone from the branch and commits to it fail', async () => {
    const t = await tableWithFiles('orders');
    const config = await http('GET', `${ice(server, 'main')}/config`);
    assert.ok(config.body.endpoints.includes('POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/unregister'));

    const r = await http('POST', `${table(server, 'main', 'orders')}/unregister`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body['metadata-location'], t.metadata);
    assert.equal(r.body.metadata.snapshots.length, 2);
    assert.equal(r.body.metadata['current-snapshot-id'], t.state.snapshotId);

    assert.equal((await http('GET', table(server, 'main', 'orders'))).status, 404);
    const late = await http('POST', table(server, 'main', 'orders'), appendCommit(t.state).body);
    assert.equal(late.status, 404, JSON.stringify(late.body));
    assert.equal(late.body.error.type, 'NoSuchTableException');
    const again = await http('POST', `${table(server, 'main', 'orders')}/unregister`);
    assert.equal(again.status, 404);
    assert.equal(again.body.error.type, 'NoSuchTableException');

    // Another catalog takes the table over from the answer, history included.
    const registered = await http('POST', `${ice(other, 'main')}/namespaces/db/register`, {
      name: 'orders',
      'metadata-location': r.body['metadata-location'],
    });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    assert.equal(registered.body.metadata['table-uuid'], r.body.metadata['table-uuid']);
    assert.equal(registered.body.metadata.snapshots.length, 2);
  });

  it('GC keeps every file of a released table, and files its new owner writes into its folder later', async () => {
    const t = await tableWithFiles('events');
    const r = await http('POST', `${table(server, 'main', 'events')}/unregister`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const laterWrite = put(`${t.state.location}/data/written-by-the-new-owner.parquet`);
    const orphan = put(`${wh}/db/orphan.parquet`);

    const dry = await runRat(server.dataDir, ['gc', '--server', server.url, '--dry-run', '--grace', '0']);
    assert.equal(dry.code, 0, dry.out);
    assert.match(dry.out, /kept [1-9]\d* unreferenced files in the folders of tables released to other catalogs/);
    const gc = await http('POST', `${server.url}/api/v2/rat/gc`, { gracePeriod: '0' });
    assert.equal(gc.status, 200, JSON.stringify(gc.body));
    assert.ok(gc.body.releasedFiles >= 1, 'the new owner’s file is counted as kept for a release');
    const deleted = gc.body.files.map((f: { location: string }) => f.location);
    assert.ok(deleted.includes(orphan), 'GC ran and collected a file nothing keeps');
    assert.ok(!exists(orphan));
    const kept = [t.metadata, t.inside, t.outside, laterWrite, ...t.state.manifests.map((m) => m.manifestPath)];
    for (const f of kept) assert.ok(exists(f), `${f} is kept`);
    assert.ok(!deleted.some((f: string) => f.startsWith(t.state.location)), 'nothing under the released folder');
  });

  it("GC keeping only the ref heads' snapshots of other tables still keeps every snapshot of a released one", async () => {
    const created = await http('POST', `${ice(server, 'main')}/namespaces/db/tables`, {
      name: 'history',
      schema: APPEND_SCHEMA,
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const location = created.body.metadata.location as string;
    // The first snapshot names a data file outside the table's folder; the second (the head) names none of its files.
    const older = put(`${wh}/shared/history-older.parquet`);
    const first = appendCommit(newTableState(location), { dataFile: older });
    assert.equal((await http('POST', table(server, 'main', 'history'), first.body)).status, 200);
    const head = appendCommit({ ...first.next, manifests: [] }, { dataFile: put(`${location}/data/new.parquet`) });
    assert.equal((await http('POST', table(server, 'main', 'history'), head.body)).status, 200);
    assert.equal((await http('POST', `${table(server, 'main', 'history')}/unregister`)).status, 200);

    const gc = await http('POST', `${server.url}/api/v2/rat/gc`, { gracePeriod: '0', snapshots: 'refs' });
    assert.equal(gc.status, 200, JSON.stringify(gc.body));
    assert.ok(exists(older), 'a file of an older snapshot of the released table is kept');
  });

  it('a purge of the same table on another branch deletes nothing the release keeps', async () => {
    const t = await tableWithFiles('items');
    await branchFromMain(server.url, 'dev');
    assert.equal((await http('POST', `${table(server, 'main', 'items')}/unregister`)).status, 200);

    const purge = await http('DELETE', `${table(server, 'dev', 'items')}?purgeRequested=true`);
    assert.equal(purge.status, 204);
    assert.match(purge.headers.get('x-rat-purge') ?? '', /^deleted=0; /);
    for (const f of [t.metadata, t.inside, t.outside]) assert.ok(exists(f), `${f} is kept`);
  });

  it('an operator lists the releases and takes one back (API and rat CLI); GC then collects what nothing reaches', async () => {
    const t = await tableWithFiles('loans');
    const r = await http('POST', `${table(server, 'main', 'loans')}/unregister`);
    assert.equal(r.status, 200, JSON.stringify(r.body));

    const listed = await runRat(server.dataDir, ['released', '--server', server.url, '--json']);
    assert.equal(listed.code, 0, listed.out);
    const releases = JSON.parse(listed.stdout) as Array<{ metadataLocation: string; table: string[]; ref: string }>;
    const mine = releases.find((x) => x.metadataLocation === t.metadata);
    assert.deepEqual(mine && { table: mine.table, ref: mine.ref }, { table: ['db', 'loans'], ref: 'main' });
    const first = await http('GET', `${server.url}/api/v2/rat/released-tables?maxRecords=1`);
    assert.equal(first.status, 200);
    assert.equal(first.body.releasedTables.length, 1);
    assert.equal(first.body.hasMore, releases.length > 1);

    const reclaimed = await runRat(server.dataDir, ['released', '--server', server.url, '--reclaim', t.metadata]);
    assert.equal(reclaimed.code, 0, reclaimed.out);
    assert.match(reclaimed.out, /reclaimed/);
    const again = await http(
      'DELETE',
      `${server.url}/api/v2/rat/released-tables?metadataLocation=${encodeURIComponent(t.metadata)}`,
    );
    assert.equal(again.status, 404, JSON.stringify(again.body));
    assert.equal(again.body.errorCode, 'CONTENT_NOT_FOUND');

    const gc = await http('POST', `${server.url}/api/v2/rat/gc`, { gracePeriod: '0' });
    assert.equal(gc.status, 200, JSON.stringify(gc.body));
    for (const f of [t.metadata, t.inside, t.outside])
      assert.ok(!exists(f), `${f} is the catalog's again, and collected`);
  });

  it('refuses what cannot be released: a tag, a missing table', async () => {
    await tableWithFiles('fixed');
    const tag = await http('POST', `${server.url}/api/v2/trees?name=v1&type=TAG`, {
      type: 'BRANCH',
      name: 'main',
      hash: await headOf(server.url),
    });
    assert.equal(tag.status, 200, JSON.stringify(tag.body));
    const onTag = await http('POST', `${table(server, 'v1', 'fixed')}/unregister`);
    assert.equal(onTag.status, 400, JSON.stringify(onTag.body));
    assert.equal((await http('GET', table(server, 'main', 'fixed'))).status, 200);
    const missing = await http('POST', `${table(server, 'main', 'nope')}/unregister`);
    assert.equal(missing.status, 404);
  });
});
