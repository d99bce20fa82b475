import assert from 'node:assert/strict';
import { unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { http } from './support/server.ts';
import { errorOf, icebergHttpServer, schema, viewVersion } from './support/iceberg-http.ts';

/**
 * Iceberg REST views over real HTTP.
 */
describe('Iceberg REST views over HTTP', function () {
  const fx = icebergHttpServer();
  const { createTable } = fx;

  describe('views', () => {
    before(async () => {
      assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ['vw'] })).status, 200);
    });
    const version = (sql: string) => viewVersion(sql, ['vw']);

    it('create, load, exists, list, replace, rename, drop', async () => {
      let r = await http('POST', `${fx.base}/namespaces/vw/views`, {
        name: 'v',
        schema,
        'view-version': version('select 1'),
        properties: { a: '1' },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.match(r.body['metadata-location'], /\/metadata\/00000-.*\.metadata\.json$/);
      const uuid = r.body.metadata['view-uuid'];
      assert.equal(r.body.metadata['current-version-id'], 1);
      assert.deepEqual(
        errorOf(
          await http('POST', `${fx.base}/namespaces/vw/views`, {
            name: 'v',
            schema,
            'view-version': version('x'),
            properties: {},
          }),
        ),
        {
          status: 409,
          type: 'AlreadyExistsException',
        },
      );
      assert.equal((await http('HEAD', `${fx.base}/namespaces/vw/views/v`)).status, 204);
      assert.equal((await http('HEAD', `${fx.base}/namespaces/vw/views/nope`)).status, 404);
      assert.deepEqual((await http('GET', `${fx.base}/namespaces/vw/views`)).body.identifiers, [
        { namespace: ['vw'], name: 'v' },
      ]);
      assert.deepEqual(
        (await http('GET', `${fx.base}/namespaces/vw/tables`)).body.identifiers,
        [],
        'views are not tables',
      );

      r = await http('POST', `${fx.base}/namespaces/vw/views/v`, {
        requirements: [{ type: 'assert-view-uuid', uuid }],
        updates: [
          { action: 'add-schema', schema: { ...schema, 'schema-id': 1 } },
          { action: 'add-view-version', 'view-version': { ...version('select 2'), 'schema-id': -1 } },
          { action: 'set-current-view-version', 'view-version-id': -1 },
        ],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.metadata['current-version-id'], 2);
      assert.match(r.body['metadata-location'], /\/metadata\/00001-/);
      r = await http('GET', `${fx.base}/namespaces/vw/views/v`);
      assert.equal(r.body.metadata.versions.length, 2);
      r = await http('POST', `${fx.base}/namespaces/vw/views/v`, {
        requirements: [{ type: 'assert-view-uuid', uuid: 'wrong' }],
        updates: [],
      });
      assert.deepEqual(errorOf(r), { status: 409, type: 'CommitFailedException' });

      const current = (await http('GET', `${fx.base}/namespaces/vw/views/v`)).body['metadata-location'];
      r = await http('POST', `${fx.base}/namespaces/vw/register-view`, { name: 'again', 'metadata-location': current });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.metadata['view-uuid'], uuid);
      r = await http('POST', `${fx.base}/namespaces/vw/register-view`, { name: 'again', 'metadata-location': current });
      assert.deepEqual(errorOf(r), { status: 409, type: 'AlreadyExistsException' });
      assert.equal((await http('DELETE', `${fx.base}/namespaces/vw/views/again`)).status, 204);

      assert.equal(
        (
          await http('POST', `${fx.base}/views/rename`, {
            source: { namespace: ['vw'], name: 'v' },
            destination: { namespace: ['vw'], name: 'v2' },
          })
        ).status,
        204,
      );
      assert.deepEqual(errorOf(await http('GET', `${fx.base}/namespaces/vw/views/v`)), {
        status: 404,
        type: 'NoSuchViewException',
      });
      assert.equal((await http('DELETE', `${fx.base}/namespaces/vw/views/v2`)).status, 204);
      assert.deepEqual(errorOf(await http('DELETE', `${fx.base}/namespaces/vw/views/v2`)), {
        status: 404,
        type: 'NoSuchViewException',
      });
    });

    it('a view version without any query is 400, on create and on replace; nothing is written', async () => {
      const empty = { ...version('unused'), representations: [] };
      let r = await http('POST', `${fx.base}/namespaces/vw/views`, { name: 'noquery', schema, 'view-version': empty });
      assert.deepEqual(errorOf(r), { status: 400, type: 'BadRequestException' }, JSON.stringify(r.body));
      assert.match(r.body.error.message, /representations/);
      assert.equal((await http('GET', `${fx.base}/namespaces/vw/views/noquery`)).status, 404);
      r = await http('POST', `${fx.base}/namespaces/vw/views`, {
        name: 'noquery',
        schema,
        'view-version': version('select 1'),
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const before = r.body['metadata-location'];
      r = await http('POST', `${fx.base}/namespaces/vw/views/noquery`, {
        updates: [
          { action: 'add-view-version', 'view-version': empty },
          { action: 'set-current-view-version', 'view-version-id': -1 },
        ],
      });
      assert.deepEqual(errorOf(r), { status: 400, type: 'BadRequestException' }, JSON.stringify(r.body));
      assert.equal((await http('GET', `${fx.base}/namespaces/vw/views/noquery`)).body['metadata-location'], before);
    });

    it('a view commit that changes nothing writes no metadata file and no catalog commit', async () => {
      let r = await http('POST', `${fx.base}/namespaces/vw/views`, {
        name: 'still',
        schema,
        'view-version': version('select 1'),
        properties: { a: '1' },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const before = r.body['metadata-location'];
      const hash = await fx.mainHash();
      for (const updates of [[], [{ action: 'set-properties', updates: { a: '1' } }]]) {
        r = await http('POST', `${fx.base}/namespaces/vw/views/still`, { requirements: [], updates });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body['metadata-location'], before, JSON.stringify(updates));
      }
      assert.equal(await fx.mainHash(), hash, 'no catalog commit');
    });

    it('a view both branches replaced with the same SELECT merges; a different SELECT is a 409 naming it', async () => {
      let r = await http('POST', `${fx.base}/namespaces/vw/views`, {
        name: 'both',
        schema,
        'view-version': version('select 1'),
        properties: {},
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const replace = async (ref: string, sql: string) => {
        const loaded = await http('GET', fx.ice('/namespaces/vw/views/both', ref));
        const next = loaded.body.metadata['current-version-id'] + 1;
        const res = await http('POST', fx.ice('/namespaces/vw/views/both', ref), {
          requirements: [{ type: 'assert-view-uuid', uuid: loaded.body.metadata['view-uuid'] }],
          updates: [
            { action: 'add-view-version', 'view-version': { ...version(sql), 'version-id': next } },
            { action: 'set-current-view-version', 'view-version-id': -1 },
          ],
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      };
      const merge = async (from: string) =>
        http('POST', `${fx.server.url}/api/v2/trees/main@${await fx.mainHash()}/history/merge?rat-details=true`, {
          fromRefName: from,
          fromHash: await fx.mainHash(from),
        });
      for (const b of ['vw-a', 'vw-b', 'vw-c']) await fx.createRef(b, 'BRANCH');
      await replace('vw-a', 'select 2');
      await replace('vw-b', 'select 2');
      await replace('vw-c', 'select 3');
      assert.equal((await merge('vw-a')).status, 200);
      r = await merge('vw-b');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const [detail] = r.body.details.filter((d: { key: { elements: string[] } }) => d.key.elements[1] === 'both');
      assert.equal(detail.outcome, 'RESOLVED');
      const before = await fx.mainHash();
      r = await merge('vw-c');
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.match(r.body.error.message, /view "vw\.both" was changed differently on both sides/);
      // The 409 names the kind of refusal per key too, for callers that ask with rat-details.
      const conflict = r.body.errorDetails.conflicts.find(
        (c: { key: { elements: string[] } }) => c.key.elements.join('.') === 'vw.both',
      );
      assert.deepEqual(conflict.kinds, ['view-changed-on-both-sides'], JSON.stringify(r.body.errorDetails));
      assert.equal(await fx.mainHash(), before, 'main unchanged');
      const main = await http('GET', `${fx.base}/namespaces/vw/views/both`);
      const current = main.body.metadata.versions.find(
        (v: { 'version-id': number }) => v['version-id'] === main.body.metadata['current-version-id'],
      );
      assert.equal(current.representations[0].sql, 'select 2');
    });

    it('a metadata file deleted behind the catalog makes a view load 404 NotFoundException, also when cached', async () => {
      const r = await http('POST', `${fx.base}/namespaces/vw/views`, {
        name: 'gone',
        schema,
        'view-version': version('select 1'),
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const url = `${fx.base}/namespaces/vw/views/gone`;
      assert.equal((await http('GET', url)).status, 200);
      unlinkSync(fileURLToPath(r.body['metadata-location']));
      assert.deepEqual(errorOf(await http('GET', url)), { status: 404, type: 'NotFoundException' });
    });

    it('a view and a table cannot share a name', async () => {
      await createTable('vw', 'shared');
      const r = await http('POST', `${fx.base}/namespaces/vw/views`, {
        name: 'shared',
        schema,
        'view-version': version('select 1'),
        properties: {},
      });
      assert.deepEqual(errorOf(r), { status: 409, type: 'AlreadyExistsException' });
      assert.deepEqual(errorOf(await http('GET', `${fx.base}/namespaces/vw/views/shared`)), {
        status: 404,
        type: 'NoSuchViewException',
      });
    });
  });
});
