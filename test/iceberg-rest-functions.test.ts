import assert from 'node:assert/strict';
import { existsSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { headOf } from './support/catalog-commits.ts';
import { errorOf, icebergHttpServer } from './support/iceberg-http.ts';
import { http } from './support/server.ts';
import { putUdf, udfMetadata, writeWarehouseJson } from './support/udf.ts';

/**
 * Functions (UDFs) over real HTTP: recorded on a branch through the management API (Nessie's `UDF` content naming an
 * Iceberg UDF metadata file), listed and loaded through the Iceberg REST functions endpoints on that branch only until
 * merged, never taken for tables or views, kept by GC while a kept version names them, and refused where the metadata
 * is not valid or lies outside the catalog's storage.
 */
describe('Iceberg REST functions over HTTP', function () {
  const fx = icebergHttpServer();
  let addOne = '';

  before(async () => {
    assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ['fn'] })).status, 200);
    await fx.createRef('dev', 'BRANCH');
    addOne = writeWarehouseJson(fx.server.dataDir, 'fn/add_one/metadata/00000-a.metadata.json', udfMetadata());
    const r = await putUdf(fx.server.url, 'dev', ['fn', 'add_one'], { metadataLocation: addOne, versionId: 'v1' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });

  it('config advertises the list and load endpoints', async () => {
    const endpoints: string[] = (await http('GET', `${fx.base}/config`)).body.endpoints;
    assert.ok(endpoints.includes('GET /v1/{prefix}/namespaces/{namespace}/functions'));
    assert.ok(endpoints.includes('GET /v1/{prefix}/namespaces/{namespace}/functions/{function}'));
  });

  it('a branch lists and loads the function it recorded, with every definition; main does not see it', async () => {
    const list = await http('GET', fx.ice('/namespaces/fn/functions', 'dev'));
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.deepEqual(list.body.identifiers, [['fn', 'add_one']]);
    const load = await http('GET', fx.ice('/namespaces/fn/functions/add_one', 'dev'));
    assert.equal(load.status, 200, JSON.stringify(load.body));
    assert.equal(load.body['metadata-location'], addOne);
    assert.deepEqual(load.body.metadata, udfMetadata());

    assert.deepEqual((await http('GET', fx.ice('/namespaces/fn/functions'))).body.identifiers, []);
    assert.deepEqual(errorOf(await http('GET', fx.ice('/namespaces/fn/functions/add_one'))), {
      status: 404,
      type: 'NoSuchFunctionException',
    });
  });

  it('the management API shows it as UDF content', async () => {
    const r = await http('GET', `${fx.server.url}/api/v2/trees/dev/contents/fn.add_one`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.content.type, 'UDF');
    assert.equal(r.body.content.metadataLocation, addOne);
    assert.equal(r.body.content.versionId, 'v1');
    assert.equal(typeof r.body.content.id, 'string');
    const entries = await http('GET', `${fx.server.url}/api/v2/trees/dev/entries?content=true`);
    assert.ok(entries.body.entries.some((e: any) => e.type === 'UDF' && e.name.elements.join('.') === 'fn.add_one'));
  });

  it('a function is no table or view, and its name is taken', async () => {
    assert.deepEqual((await http('GET', fx.ice('/namespaces/fn/tables', 'dev'))).body.identifiers, []);
    assert.deepEqual((await http('GET', fx.ice('/namespaces/fn/views', 'dev'))).body.identifiers, []);
    assert.equal((await http('GET', fx.ice('/namespaces/fn/tables/add_one', 'dev'))).status, 404);
    assert.equal((await http('GET', fx.ice('/namespaces/fn/views/add_one', 'dev'))).status, 404);
    const create = await http('POST', fx.ice('/namespaces/fn/tables', 'dev'), {
      name: 'add_one',
      schema: { type: 'struct', fields: [{ id: 1, name: 'x', type: 'int', required: false }] },
    });
    assert.deepEqual(errorOf(create), { status: 409, type: 'AlreadyExistsException' });
    assert.match(create.body.error.message, /Function with same name already exists: fn\.add_one/);
    // A namespace holding a function is not empty.
    assert.deepEqual(errorOf(await http('DELETE', fx.ice('/namespaces/fn', 'dev'))), {
      status: 409,
      type: 'NamespaceNotEmptyException',
    });
  });

  it('a missing namespace or function is a 404 of its kind', async () => {
    assert.deepEqual(errorOf(await http('GET', fx.ice('/namespaces/nope/functions', 'dev'))), {
      status: 404,
      type: 'NoSuchNamespaceException',
    });
    assert.deepEqual(errorOf(await http('GET', fx.ice('/namespaces/nope/functions/add_one', 'dev'))), {
      status: 404,
      type: 'NoSuchNamespaceException',
    });
    assert.deepEqual(errorOf(await http('GET', fx.ice('/namespaces/fn/functions/nope', 'dev'))), {
      status: 404,
      type: 'NoSuchFunctionException',
    });
  });

  it('the management API refuses a UDF without a metadata file, or with SQL inline (400)', async () => {
    const none = await putUdf(fx.server.url, 'dev', ['fn', 'bad'], {});
    assert.equal(none.status, 400);
    assert.match(none.body.message, /metadataLocation/);
    const inline = await putUdf(fx.server.url, 'dev', ['fn', 'bad'], {
      metadataLocation: addOne,
      sqlText: 'x + 1',
      dialect: 'spark',
    });
    assert.equal(inline.status, 400);
    assert.match(inline.body.message, /stored as an Iceberg UDF metadata file/);
  });

  it('metadata that is not UDF metadata is a 400 naming the problem; a vanished file a 404', async () => {
    const broken = udfMetadata();
    broken.definitions[0]['current-version-id'] = 7;
    const location = writeWarehouseJson(fx.server.dataDir, 'fn/broken/metadata/00000-b.metadata.json', broken);
    assert.equal((await putUdf(fx.server.url, 'dev', ['fn', 'broken'], { metadataLocation: location })).status, 200);
    const r = await http('GET', fx.ice('/namespaces/fn/functions/broken', 'dev'));
    assert.deepEqual(errorOf(r), { status: 400, type: 'BadRequestException' });
    assert.match(r.body.error.message, /Not valid Iceberg UDF metadata: .*no version 7/);

    const gone = writeWarehouseJson(fx.server.dataDir, 'fn/gone/metadata/00000-c.metadata.json', udfMetadata());
    assert.equal((await putUdf(fx.server.url, 'dev', ['fn', 'gone'], { metadataLocation: gone })).status, 200);
    unlinkSync(fileURLToPath(gone));
    assert.equal((await http('GET', fx.ice('/namespaces/fn/functions/gone', 'dev'))).status, 404);
  });

  it('a metadata file outside the catalog’s storage is never read (400)', async () => {
    const outside = pathToFileURL(path.join(os.tmpdir(), 'rat-udf-outside.metadata.json')).href;
    assert.equal((await putUdf(fx.server.url, 'dev', ['fn', 'outside'], { metadataLocation: outside })).status, 200);
    const r = await http('GET', fx.ice('/namespaces/fn/functions/outside', 'dev'));
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(r.body.error.message, /outside the storage this catalog owns/);
  });

  it('merging the branch brings the function to main', async () => {
    const merge = await http(
      'POST',
      `${fx.server.url}/api/v2/trees/${encodeURIComponent(`main@${await headOf(fx.server.url)}`)}/history/merge`,
      { fromRefName: 'dev', fromHash: await headOf(fx.server.url, 'dev') },
    );
    assert.equal(merge.status, 200, JSON.stringify(merge.body));
    const load = await http('GET', fx.ice('/namespaces/fn/functions/add_one'));
    assert.equal(load.status, 200, JSON.stringify(load.body));
    assert.equal(load.body.metadata['function-uuid'], udfMetadata()['function-uuid']);
  });

  it('GC keeps a function’s metadata file while a kept version names it, and collects it after', async () => {
    const gc = async () => {
      const r = await http('POST', `${fx.server.url}/api/v2/rat/gc`, { keepHistory: '0', gracePeriod: '0' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as { files: Array<{ location: string }> };
    };
    const spare = writeWarehouseJson(fx.server.dataDir, 'fn/spare/metadata/00000-d.metadata.json', udfMetadata());
    assert.equal((await putUdf(fx.server.url, 'main', ['fn', 'spare'], { metadataLocation: spare })).status, 200);
    let report = await gc();
    for (const f of [addOne, spare]) {
      assert.ok(existsSync(fileURLToPath(f)), `${f} is kept`);
      assert.ok(!report.files.some((x) => x.location === f));
    }
    // Dropped on main, where it was added: no ref and (with no history kept) no commit names it any more.
    const head = await headOf(fx.server.url);
    const drop = await http(
      'POST',
      `${fx.server.url}/api/v2/trees/${encodeURIComponent(`main@${head}`)}/history/commit`,
      {
        commitMeta: { message: 'drop function fn.spare' },
        operations: [{ type: 'DELETE', key: { elements: ['fn', 'spare'] } }],
      },
    );
    assert.equal(drop.status, 200, JSON.stringify(drop.body));
    report = await gc();
    assert.ok(
      report.files.some((x) => x.location === spare),
      'collected once nothing names it',
    );
    assert.ok(!existsSync(fileURLToPath(spare)));
    assert.ok(existsSync(fileURLToPath(addOne)), 'add_one is still on main and dev');
  });
});
