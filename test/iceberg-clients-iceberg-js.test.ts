import assert from 'node:assert/strict';
import type { IcebergError, IcebergRestCatalog, TableSchema } from 'iceberg-js';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { loadIcebergJsSnippet } from './support/clients/index.ts';

/** Rejects with an IcebergError whose HTTP status and Iceberg error type are the expected ones. */
async function rejectsWith(p: Promise<unknown>, status: number, type: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    // Checked by name: the snippet's module instance of iceberg-js is loaded apart from this file's.
    assert.equal((err as Error).name, 'IcebergError', `expected IcebergError, got ${String(err)}`);
    const e = err as IcebergError;
    assert.equal(e.status, status, `${e.status} ${e.icebergType}: ${e.message}`);
    assert.equal(e.icebergType, type, `${e.status} ${e.icebergType}: ${e.message}`);
    return true;
  });
}

const schema: TableSchema = {
  type: 'struct',
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'region', type: 'string', required: false },
  ],
  'schema-id': 0,
  'identifier-field-ids': [1],
};

/** iceberg-js 1.0 (npm; declares node >= 22, runs here on Node 20) against a fresh server. */
describe('Iceberg REST with iceberg-js (real client, Node ' + process.version + ')', function () {
  let server: TestServer;
  let catalog: IcebergRestCatalog;

  before(async () => {
    server = await startTestServer();
    ({ catalog } = await loadIcebergJsSnippet(`${server.url}/iceberg/main`));
  });
  after(async () => {
    await server?.stop();
  });

  it('namespaces: nested create, list by parent, properties, exists, errors', async () => {
    await catalog.createNamespace({ namespace: ['ijs'] }, { properties: { owner: 'js' } });
    await catalog.createNamespace({ namespace: ['ijs', 'child'] });
    const top = await catalog.listNamespaces();
    assert.ok(top.namespaces.some((n) => n.namespace.join('.') === 'ijs'));
    const children = await catalog.listNamespaces({ parent: { namespace: ['ijs'] } });
    assert.deepEqual(children.namespaces, [{ namespace: ['ijs', 'child'] }]);
    assert.equal((await catalog.loadNamespaceMetadata({ namespace: ['ijs'] })).properties.owner, 'js');
    const upd = await catalog.updateNamespaceProperties(
      { namespace: ['ijs'] },
      { updates: { team: 'web' }, removals: ['owner', 'absent'] },
    );
    assert.deepEqual(upd.updated, ['team']);
    assert.deepEqual(upd.removed, ['owner']);
    assert.deepEqual(upd.missing, ['absent']);
    assert.equal(await catalog.namespaceExists({ namespace: ['ijs', 'child'] }), true);
    assert.equal(await catalog.namespaceExists({ namespace: ['nope'] }), false);
    await rejectsWith(catalog.createNamespace({ namespace: ['ijs'] }), 409, 'AlreadyExistsException');
    await rejectsWith(catalog.loadNamespaceMetadata({ namespace: ['nope'] }), 404, 'NoSuchNamespaceException');
  });

  it('tables: create, load (with ETag / 304), list, exists, commit, rename, drop', async () => {
    const created = await catalog.createTable(
      { namespace: ['ijs'] },
      {
        name: 'cities',
        schema,
        'partition-spec': { fields: [{ 'source-id': 2, 'field-id': 1000, name: 'region', transform: 'identity' }] },
        properties: { 'write.format.default': 'parquet' },
      },
    );
    assert.match(created.location ?? '', /^file:\/\//);
    assert.equal(created['current-schema-id'], 0);
    const id = { namespace: ['ijs'], name: 'cities' };
    const loaded = await catalog.loadTableResult(id);
    assert.ok(loaded);
    assert.equal(loaded.metadata['table-uuid'], created['table-uuid']);
    assert.ok(loaded['metadata-location']?.endsWith('.metadata.json'));
    assert.ok(loaded.etag, 'loadTable answers with an ETag');
    assert.equal(await catalog.loadTableResult(id, { ifNoneMatch: loaded.etag }), null, '304 on a matching ETag');
    assert.deepEqual((await catalog.listTables({ namespace: ['ijs'] })).identifiers, [id]);
    assert.equal(await catalog.tableExists(id), true);

    const committed = await catalog.updateTable(id, {
      requirements: [{ type: 'assert-table-uuid', uuid: created['table-uuid'] }],
      updates: [{ action: 'set-properties', updates: { comment: 'from iceberg-js' } }],
    });
    assert.equal(committed.metadata.properties?.comment, 'from iceberg-js');
    assert.notEqual(committed['metadata-location'], loaded['metadata-location']);
    const again = await catalog.loadTableResult(id, { ifNoneMatch: loaded.etag });
    assert.equal(again?.metadata.properties?.comment, 'from iceberg-js', 'a stale ETag gets the new metadata, not 304');

    await rejectsWith(
      catalog.updateTable(id, {
        requirements: [{ type: 'assert-table-uuid', uuid: '00000000-0000-0000-0000-000000000000' }],
        updates: [{ action: 'set-properties', updates: { lost: 'yes' } }],
      }),
      409,
      'CommitFailedException',
    );
    assert.equal((await catalog.loadTable(id)).properties?.lost, undefined);

    await catalog.renameTable({ source: id, destination: { namespace: ['ijs', 'child'], name: 'towns' } });
    assert.equal(await catalog.tableExists(id), false);
    assert.equal(await catalog.tableExists({ namespace: ['ijs', 'child'], name: 'towns' }), true);
    await rejectsWith(catalog.loadTable(id), 404, 'NoSuchTableException');
    await rejectsWith(catalog.loadTable({ namespace: ['nope'], name: 'x' }), 404, 'NoSuchTableException');
    await rejectsWith(
      catalog.createTable({ namespace: ['nope'] }, { name: 'x', schema }),
      404,
      'NoSuchNamespaceException',
    );
    await rejectsWith(
      catalog.createTable({ namespace: ['ijs', 'child'] }, { name: 'towns', schema }),
      409,
      'AlreadyExistsException',
    );
    await rejectsWith(catalog.dropNamespace({ namespace: ['ijs', 'child'] }), 409, 'NamespaceNotEmptyException');

    await catalog.dropTable({ namespace: ['ijs', 'child'], name: 'towns' }, { purge: true });
    assert.equal(await catalog.tableExists({ namespace: ['ijs', 'child'], name: 'towns' }), false);
    await catalog.dropNamespace({ namespace: ['ijs', 'child'] });
    assert.equal(await catalog.namespaceExists({ namespace: ['ijs', 'child'] }), false);
  });

  it('read-only views main@hash and main*timestamp read the past and refuse writes with a 4xx', async () => {
    const hash = (await http('GET', `${server.url}/api/v2/trees/main`)).body.reference.hash;
    const before = new Date().toISOString();
    // Commit times are in milliseconds: make sure the next commit is strictly later than `before`.
    while (new Date().toISOString() === before) await new Promise((r) => setImmediate(r));
    await catalog.createNamespace({ namespace: ['later'] });
    for (const ref of [`main@${hash}`, `main*${before}`]) {
      const { catalog: past } = await loadIcebergJsSnippet(`${server.url}/iceberg/${encodeURIComponent(ref)}`);
      assert.equal(await past.namespaceExists({ namespace: ['later'] }), false, ref);
      assert.equal(await past.namespaceExists({ namespace: ['ijs'] }), true, ref);
      await assert.rejects(past.createNamespace({ namespace: ['refused'] }), (err: IcebergError) => {
        assert.ok(err.status >= 400 && err.status < 500, `${ref}: ${err.status}`);
        return true;
      });
    }
    assert.equal(await catalog.namespaceExists({ namespace: ['refused'] }), false);
  });

  it("the `warehouse` option works: iceberg-js asks /v1/config and uses the server's prefix or its own", async () => {
    const { IcebergRestCatalog } = await import('iceberg-js');
    const withWarehouse = new IcebergRestCatalog({
      baseUrl: `${server.url}/iceberg/main`,
      warehouse: 'default',
      auth: { type: 'none' },
    });
    const config = await withWarehouse.loadConfig();
    assert.ok(config.defaults && config.overrides, 'config has defaults and overrides');
    assert.equal(await withWarehouse.namespaceExists({ namespace: ['ijs'] }), true);
  });

  it('a branch URL isolates changes until merged', async () => {
    const main = await http('GET', `${server.url}/api/v2/trees/main`);
    assert.equal(main.status, 200);
    const created = await http('POST', `${server.url}/api/v2/trees?name=js-feature&type=BRANCH`, {
      type: 'BRANCH',
      name: 'main',
      hash: main.body.reference.hash,
    });
    assert.ok(created.status < 300, JSON.stringify(created.body));
    const { catalog: feature } = await loadIcebergJsSnippet(`${server.url}/iceberg/js-feature`);
    await feature.createTable({ namespace: ['ijs'] }, { name: 'branch_only', schema });
    const ident = { namespace: ['ijs'], name: 'branch_only' };
    assert.equal(await feature.tableExists(ident), true);
    assert.equal(await catalog.tableExists(ident), false, 'not on main before the merge');

    const head = await http('GET', `${server.url}/api/v2/trees/js-feature`);
    const mainNow = await http('GET', `${server.url}/api/v2/trees/main`);
    const merged = await http('POST', `${server.url}/api/v2/trees/main@${mainNow.body.reference.hash}/history/merge`, {
      fromRefName: 'js-feature',
      fromHash: head.body.reference.hash,
    });
    assert.ok(merged.status < 300, JSON.stringify(merged.body));
    assert.equal(await catalog.tableExists(ident), true, 'on main after the merge');
  });
});
