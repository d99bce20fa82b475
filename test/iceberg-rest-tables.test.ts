import assert from 'node:assert/strict';
import { existsSync, unlinkSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { http, metricValue } from './support/server.ts';
import { BIG, BIG2, errorOf, icebergHttpServer, rawPost, schema } from './support/iceberg-http.ts';

/**
 * Iceberg REST tables over real HTTP: create, load (ETag, every URL form), list, errors, rename, drop and
 * register, credentials and metrics, unusual names.
 */
describe('Iceberg REST tables over HTTP', function () {
  const fx = icebergHttpServer();
  const { ice, createTable } = fx;

  describe('tables', () => {
    before(async () => {
      assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ['db'] })).status, 200);
      assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ['other'] })).status, 200);
    });

    it('write.metadata.compression-codec: gzip files for a table that asks, a 400 for a codec Iceberg lacks', async () => {
      assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ['codec'] })).status, 200);
      const gz = await createTable('codec', 'gz', undefined, {
        properties: { 'write.metadata.compression-codec': 'GZIP' },
      });
      assert.match(gz['metadata-location'], /\/00000-[0-9a-f-]{36}\.gz\.metadata\.json$/);
      assert.equal(
        (await http('GET', `${fx.base}/namespaces/codec/tables/gz`)).body.metadata['table-uuid'],
        gz.metadata['table-uuid'],
      );
      const zstd = await http('POST', `${fx.base}/namespaces/codec/tables`, {
        name: 'zstd',
        schema,
        properties: { 'write.metadata.compression-codec': 'zstd' },
      });
      assert.equal(zstd.status, 400, JSON.stringify(zstd.body));
      assert.match(zstd.body.error.message, /must be "none" or "gzip"/);
      const back = await http('POST', `${fx.base}/namespaces/codec/tables/gz`, {
        requirements: [],
        updates: [{ action: 'set-properties', updates: { 'write.metadata.compression-codec': 'none' } }],
      });
      assert.equal(back.status, 200, JSON.stringify(back.body));
      assert.match(back.body['metadata-location'], /\/00001-[0-9a-f-]{36}\.metadata\.json$/);
      const snappy = await http('POST', `${fx.base}/namespaces/codec/tables/gz`, {
        requirements: [],
        updates: [{ action: 'set-properties', updates: { 'write.metadata.compression-codec': 'snappy' } }],
      });
      assert.equal(snappy.status, 400, JSON.stringify(snappy.body));
    });

    it('create writes metadata under the warehouse; load, exists, list, ETag', async () => {
      const created = await createTable('db', 't1', undefined, { properties: { 'format-version': '2', owner: 'me' } });
      assert.match(created['metadata-location'], /\/metadata\/00000-[0-9a-f-]{36}\.metadata\.json$/);
      assert.ok(created['metadata-location'].startsWith(`file://${fx.server.dataDir}/warehouse/db/t1-`));
      assert.ok(existsSync(fileURLToPath(created['metadata-location'])));
      assert.equal(created.metadata['format-version'], 2);
      // gc.enabled=false: only the catalog deletes files (branches share them), never a client's procedure.
      assert.deepEqual(created.metadata.properties, { owner: 'me', 'gc.enabled': 'false' });
      assert.equal(created.metadata['current-snapshot-id'], -1);
      assert.deepEqual(errorOf(await http('POST', `${fx.base}/namespaces/db/tables`, { name: 't1', schema })), {
        status: 409,
        type: 'AlreadyExistsException',
      });

      const loaded = await http('GET', `${fx.base}/namespaces/db/tables/t1?snapshots=all`);
      assert.equal(loaded.status, 200);
      assert.equal(loaded.body['metadata-location'], created['metadata-location']);
      assert.deepEqual(loaded.body.config, {});
      const etag = loaded.headers.get('etag');
      assert.ok(etag);
      assert.equal(
        (await http('GET', `${fx.base}/namespaces/db/tables/t1`, undefined, { 'if-none-match': etag! })).status,
        304,
      );
      assert.equal(
        (await http('GET', `${fx.base}/namespaces/db/tables/t1`, undefined, { 'if-none-match': '"other"' })).status,
        200,
      );
      // REST 1.11's `referenced-by` (loading a table through views) is accepted.
      const viaView = await http('GET', `${fx.base}/namespaces/db/tables/t1?referenced-by=db%1Fv1%2Cdb%1Fv2`);
      assert.equal(viaView.status, 200);
      assert.equal(viaView.body['metadata-location'], created['metadata-location']);
      // After a commit the old ETag no longer matches: the client gets the new metadata and a new ETag.
      const committed = await http('POST', `${fx.base}/namespaces/db/tables/t1`, {
        requirements: [],
        updates: [{ action: 'set-properties', updates: { touched: 'yes' } }],
      });
      assert.equal(committed.status, 200);
      const reloaded = await http('GET', `${fx.base}/namespaces/db/tables/t1`, undefined, { 'if-none-match': etag! });
      assert.equal(reloaded.status, 200);
      assert.equal(reloaded.body.metadata.properties.touched, 'yes');
      assert.notEqual(reloaded.headers.get('etag'), etag);
      assert.equal(
        (await http('GET', `${fx.base}/namespaces/nope/tables/t1`, undefined, { 'if-none-match': etag! })).status,
        404,
      );

      assert.equal((await http('HEAD', `${fx.base}/namespaces/db/tables/t1`)).status, 204);
      assert.equal((await http('HEAD', `${fx.base}/namespaces/db/tables/nope`)).status, 404);
      const list = await http('GET', `${fx.base}/namespaces/db/tables?pageToken=`);
      assert.deepEqual(list.body.identifiers, [{ namespace: ['db'], name: 't1' }]);
    });

    it('a metadata file deleted behind the catalog makes a load 404 NotFoundException, also when cached', async () => {
      const created = await createTable('db', 'gone');
      const url = `${fx.base}/namespaces/db/tables/gone`;
      const loaded = await http('GET', url);
      assert.equal(loaded.status, 200);
      const etag = loaded.headers.get('etag')!;
      unlinkSync(fileURLToPath(created['metadata-location']));
      assert.deepEqual(errorOf(await http('GET', url)), { status: 404, type: 'NotFoundException' });
      assert.deepEqual(errorOf(await http('GET', url, undefined, { 'if-none-match': etag })), {
        status: 404,
        type: 'NotFoundException',
      });
    });

    it("a namespace answers its tables' default location (Trino stages tables there); an explicit one as set", async () => {
      const own = `${pathToFileURL(fx.server.dataDir).href}/warehouse/elsewhere/loc`;
      assert.equal(
        (await http('POST', `${fx.base}/namespaces`, { namespace: ['located'], properties: { location: own } })).status,
        200,
      );
      const dflt = (await http('GET', `${fx.base}/namespaces/db`)).body.properties.location;
      assert.equal(dflt, `${pathToFileURL(fx.server.dataDir).href}/warehouse/db`);
      assert.equal((await http('GET', `${fx.base}/namespaces/located`)).body.properties.location, own);
      const inDb = await createTable('db', 'at_default');
      assert.ok(inDb.metadata.location.startsWith(`${dflt}/at_default-`), inDb.metadata.location);
      const inLocated = await createTable('located', 't');
      assert.ok(inLocated.metadata.location.startsWith(`${own}/t-`), inLocated.metadata.location);
      // The answered location is not stored: the namespace's own properties stay as they were.
      const mgmt = await http('GET', `${fx.server.url}/api/v2/trees/main/contents/db`);
      assert.equal(mgmt.status, 200);
      assert.equal(mgmt.body.content.properties?.location, undefined);
    });

    it('errors: load in a missing namespace is NoSuchTable, create there NoSuchNamespace, listing it NoSuchNamespace', async () => {
      assert.deepEqual(errorOf(await http('GET', `${fx.base}/namespaces/missing/tables/t`)), {
        status: 404,
        type: 'NoSuchTableException',
      });
      assert.deepEqual(errorOf(await http('GET', `${fx.base}/namespaces/db/tables/missing`)), {
        status: 404,
        type: 'NoSuchTableException',
      });
      assert.deepEqual(errorOf(await http('POST', `${fx.base}/namespaces/missing/tables`, { name: 't', schema })), {
        status: 404,
        type: 'NoSuchNamespaceException',
      });
      assert.deepEqual(errorOf(await http('GET', `${fx.base}/namespaces/missing/tables`)), {
        status: 404,
        type: 'NoSuchNamespaceException',
      });
      assert.deepEqual(
        errorOf(await http('POST', `${fx.base}/namespaces/db/tables/missing`, { requirements: [], updates: [] })),
        {
          status: 404,
          type: 'NoSuchTableException',
        },
      );
    });

    it('rename across namespaces; errors for missing source, taken destination, missing namespace', async () => {
      await createTable('db', 'mv');
      await createTable('db', 'taken');
      const mv = (source: object, destination: object) =>
        http('POST', `${fx.base}/tables/rename`, { source, destination });
      assert.equal((await mv({ namespace: ['db'], name: 'mv' }, { namespace: ['other'], name: 'moved' })).status, 204);
      assert.equal((await http('HEAD', `${fx.base}/namespaces/db/tables/mv`)).status, 404);
      assert.equal((await http('HEAD', `${fx.base}/namespaces/other/tables/moved`)).status, 204);
      assert.deepEqual(errorOf(await mv({ namespace: ['db'], name: 'mv' }, { namespace: ['db'], name: 'x' })), {
        status: 404,
        type: 'NoSuchTableException',
      });
      assert.deepEqual(
        errorOf(await mv({ namespace: ['other'], name: 'moved' }, { namespace: ['db'], name: 'taken' })),
        {
          status: 409,
          type: 'AlreadyExistsException',
        },
      );
      assert.deepEqual(
        errorOf(await mv({ namespace: ['other'], name: 'moved' }, { namespace: ['nowhere'], name: 'x' })),
        {
          status: 404,
          type: 'NoSuchNamespaceException',
        },
      );
    });

    it('drop (purgeRequested=False keeps files), register the dropped metadata back, drop with purgeRequested=True deletes files', async () => {
      const t = await createTable('db', 'dropme');
      const dir = fileURLToPath(t.metadata.location);
      assert.equal((await http('DELETE', `${fx.base}/namespaces/db/tables/dropme?purgeRequested=False`)).status, 204);
      assert.equal((await http('HEAD', `${fx.base}/namespaces/db/tables/dropme`)).status, 404);
      assert.ok(existsSync(dir));
      assert.deepEqual(errorOf(await http('DELETE', `${fx.base}/namespaces/db/tables/dropme`)), {
        status: 404,
        type: 'NoSuchTableException',
      });

      let r = await http('POST', `${fx.base}/namespaces/db/register`, {
        name: 'back',
        'metadata-location': t['metadata-location'],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body['metadata-location'], t['metadata-location']);
      assert.equal(r.body.metadata['table-uuid'], t.metadata['table-uuid']);
      r = await http('POST', `${fx.base}/namespaces/db/register`, {
        name: 'back',
        'metadata-location': t['metadata-location'],
      });
      assert.deepEqual(errorOf(r), { status: 409, type: 'AlreadyExistsException' });
      r = await http('POST', `${fx.base}/namespaces/db/register`, {
        name: 'back',
        'metadata-location': t['metadata-location'],
        overwrite: true,
      });
      assert.equal(r.status, 200);
      r = await http('POST', `${fx.base}/namespaces/db/register`, {
        name: 'bad',
        'metadata-location': `file://${fx.server.dataDir}/nope.json`,
      });
      assert.equal(r.status, 400);

      // All history is kept by default: the dropped version stays readable at earlier commits, so purge leaves its
      // files to GC and says so (test/storage-safety.test.ts covers purge with a shorter retention).
      const purged = await http('DELETE', `${fx.base}/namespaces/db/tables/back?purgeRequested=True`);
      assert.equal(purged.status, 204, JSON.stringify(purged.body));
      assert.equal(purged.headers.get('x-rat-purge'), 'deleted=0; retained=all');
      assert.ok(existsSync(dir), 'history still reaches the files');
    });

    it('credentials and metrics', async () => {
      await createTable('db', 'creds');
      const r = await http('GET', `${fx.base}/namespaces/db/tables/creds/credentials`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { 'storage-credentials': [] });
      const m = await http('POST', `${fx.base}/namespaces/db/tables/creds/metrics`, {
        'report-type': 'scan-report',
        'table-name': 'db.creds',
        'snapshot-id': -1,
        filter: true,
        'schema-id': 0,
        'projected-field-ids': [1],
        'projected-field-names': ['id'],
        metrics: {},
      });
      assert.equal(m.status, 204);
      assert.deepEqual(errorOf(await http('GET', `${fx.base}/namespaces/db/tables/none/credentials`)), {
        status: 404,
        type: 'NoSuchTableException',
      });
    });

    it('load and exists answer alike through every URL form (default branch, named ref, prefix segment)', async () => {
      await createTable('db', 'forms');
      const forms = [
        `${fx.base}/namespaces/db/tables/forms`,
        ice('/namespaces/db/tables/forms', 'main'),
        `${fx.base}/wh/namespaces/db/tables/forms`,
        ice('/wh/namespaces/db/tables/forms', 'main'),
      ];
      const loads = await Promise.all(forms.map((u) => fetch(u)));
      const texts = await Promise.all(loads.map((r) => r.text()));
      for (const [i, r] of loads.entries()) {
        assert.equal(r.status, 200, forms[i]);
        assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8', forms[i]);
        assert.equal(Number(r.headers.get('content-length')), Buffer.byteLength(texts[i]!), forms[i]);
        assert.equal(r.headers.get('etag'), loads[0]!.headers.get('etag'), forms[i]);
        assert.equal(texts[i], texts[0], forms[i]);
      }
      for (const u of forms) {
        const head = await fetch(u, { method: 'HEAD' });
        assert.equal(head.status, 204, u);
        assert.equal(await head.text(), '', u);
        assert.equal((await fetch(u.replace(/forms$/, 'nope'), { method: 'HEAD' })).status, 404, u);
      }
    });

    it('table reads answered ahead of express answer as the express routes do: 304, snapshots, credentials, HEAD, errors, request id, metrics', async () => {
      // The plain forms are answered ahead of express (http/hot-reads.ts), a prefix segment goes through express.
      await createTable('db', 'hot');
      const url = `${fx.base}/namespaces/db/tables/hot`;
      assert.equal((await rawPost(url, fx.appendBody(BIG, 1, 'null'))).status, 200);
      assert.equal((await rawPost(url, fx.appendBody(BIG2, 2, BIG))).status, 200);
      const routed = (u: string) => u.replace('/namespaces/', '/wh/namespaces/');
      const both = async (u: string, headers: Record<string, string> = {}) => {
        const [hot, express] = await Promise.all([fetch(u, { headers }), fetch(routed(u), { headers })]);
        const texts = [await hot.text(), await express.text()];
        for (const name of ['etag', 'content-type', 'content-length']) {
          assert.equal(hot.headers.get(name), express.headers.get(name), `${name} of ${u}`);
        }
        assert.equal(hot.status, express.status, u);
        return { status: hot.status, text: texts[0]!, expressText: texts[1]!, headers: hot.headers };
      };
      const all = await both(url);
      assert.equal(all.status, 200);
      assert.equal(all.text, all.expressText);
      assert.equal(JSON.parse(all.text).metadata.snapshots.length, 2);
      const refs = await both(`${url}?snapshots=refs`);
      assert.equal(refs.text, refs.expressText);
      assert.equal(JSON.parse(refs.text).metadata.snapshots.length, 1);
      assert.notEqual(refs.headers.get('etag'), all.headers.get('etag'));
      const vended = await both(url, { 'x-iceberg-access-delegation': 'vended-credentials' });
      assert.equal(vended.text, vended.expressText);
      const current = await both(url, { 'if-none-match': all.headers.get('etag')! });
      assert.equal(current.status, 304);
      assert.equal(current.text, '');
      const stale = await both(url, { 'if-none-match': '"other"' });
      assert.equal(stale.status, 200);
      // Errors are answered by express and the one error map, whichever form was asked.
      for (const [u, status, type] of [
        [`${fx.base}/namespaces/db/tables/none`, 404, 'NoSuchTableException'],
        [ice('/namespaces/db/tables/hot', 'no-such-ref'), 404, 'NoSuchReferenceException'],
        [`${url}?snapshots=some`, 400, 'BadRequestException'],
      ] as const) {
        const r = await both(u);
        assert.deepEqual([r.status, JSON.parse(r.text).error.type], [status, type], u);
      }
      const id = await fetch(url, { headers: { 'x-request-id': 'hot-load-1' } });
      assert.equal(id.headers.get('x-request-id'), 'hot-load-1');
      await id.arrayBuffer();
      const loads = () =>
        metricValue(fx.server.url, 'rat_http_requests_total', {
          method: 'GET',
          route: '/iceberg/namespaces/:namespace/tables/:table',
          status: '200',
        });
      const front = (request: string, front_end: string) =>
        metricValue(fx.server.url, 'rat_http_table_read_front_end_total', { request, front_end });
      const [loads0, hot0, handedOver0] = [await loads(), await front('load', 'hot'), await front('load', 'express')];
      for (let i = 0; i < 3; i++) await (await fetch(url)).arrayBuffer();
      await (await fetch(routed(url))).arrayBuffer();
      assert.equal(await loads(), loads0 + 4);
      assert.equal(await front('load', 'hot'), hot0 + 3, 'plain loads are answered ahead of express');
      await (await fetch(`${fx.base}/namespaces/db/tables/none`)).arrayBuffer();
      assert.equal(await front('load', 'express'), handedOver0 + 1, 'a load that fails is handed over to express');
      // tableExists (HEAD): 204 and the plain 404 ahead of express, a missing ref (an error) through it.
      const exists0 = [await front('exists', 'hot'), await front('exists', 'express')];
      for (const [u, status] of [
        [url, 204],
        [`${fx.base}/namespaces/db/tables/none`, 404],
        [ice('/namespaces/db/tables/hot', 'no-such-ref'), 404],
      ] as const) {
        const [hot, express] = await Promise.all([fetch(u, { method: 'HEAD' }), fetch(routed(u), { method: 'HEAD' })]);
        assert.deepEqual([hot.status, express.status], [status, status], u);
        assert.equal(hot.headers.get('content-length'), express.headers.get('content-length'), u);
      }
      assert.deepEqual(
        [await front('exists', 'hot'), await front('exists', 'express')],
        [exists0[0]! + 2, exists0[1]! + 1],
      );
    });

    it('names with "/", ".", spaces and unicode; a prefix segment is accepted', async () => {
      const ns = ['we ird', 'ü.x/y'];
      const nsPath = ns.map(encodeURIComponent).join('%1F');
      assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: [ns[0]] })).status, 200);
      assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ns })).status, 200);
      await createTable(nsPath, 'tä b/l.e');
      const r = await http('GET', `${fx.base}/namespaces/${nsPath}/tables/${encodeURIComponent('tä b/l.e')}`);
      assert.equal(r.status, 200);
      const list = await http('GET', `${fx.base}/namespaces/${nsPath}/tables`);
      assert.deepEqual(list.body.identifiers, [{ namespace: ns, name: 'tä b/l.e' }]);
      const children = await http('GET', `${fx.base}/namespaces?parent=${encodeURIComponent(ns[0])}`);
      assert.deepEqual(children.body.namespaces, [ns]);
      assert.equal((await http('GET', `${fx.base}/wh/namespaces/${nsPath}/tables`)).status, 200);
      // Java's clients write a space as + (URLEncoder) and a plus as %2B, as the reference server reads them.
      const javaPath = ns.map((e) => encodeURIComponent(e).replaceAll('%20', '+')).join('%1F');
      assert.equal((await http('HEAD', `${fx.base}/namespaces/${javaPath}`)).status, 204);
      const java = await http(
        'GET',
        `${fx.base}/namespaces/${javaPath}/tables/${encodeURIComponent('tä b/l.e').replaceAll('%20', '+')}`,
      );
      assert.equal(java.status, 200, JSON.stringify(java.body));
      assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ['a+b'] })).status, 200);
      assert.equal((await http('HEAD', `${fx.base}/namespaces/a%2Bb`)).status, 204);
      assert.equal((await http('HEAD', `${fx.base}/namespaces/a+b`)).status, 404);
    });
  });
});
