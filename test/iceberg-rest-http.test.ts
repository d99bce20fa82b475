import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { http } from './support/server.ts';
import { errorOf, icebergHttpServer } from './support/iceberg-http.ts';

/**
 * The Iceberg REST catalog over real HTTP (plain fetch) against a real server with a SQLite store and a file
 * warehouse: config and namespaces. Tables, table commits, views and branches have suites of their own
 * (`iceberg-rest-*.test.ts`).
 */
describe('Iceberg REST catalog over HTTP: config and namespaces', function () {
  const fx = icebergHttpServer();
  const { ice } = fx;

  describe('config', () => {
    it('returns defaults, overrides (no uri) and the implemented endpoints', async () => {
      const r = await http('GET', `${fx.base}/config`);
      assert.equal(r.status, 200);
      assert.deepEqual(Object.keys(r.body.defaults), []);
      assert.equal(r.body.overrides.uri, undefined);
      assert.equal(r.body.overrides.prefix, undefined);
      for (const e of [
        'POST /v1/{prefix}/transactions/commit',
        'HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}',
        'POST /v1/{prefix}/views/rename',
      ]) {
        assert.ok(r.body.endpoints.includes(e), e);
      }
    });

    it('answers per ref and 404s an unknown ref', async () => {
      assert.equal((await http('GET', ice('/config', 'main'))).status, 200);
      const r = await http('GET', ice('/config', 'no-such-branch'));
      assert.equal(r.status, 404);
      assert.equal(r.body.error.type, 'NoSuchReferenceException');
    });

    it('without an auth config, a client configured with a credential gets a token and connects with it', async () => {
      const form = 'grant_type=client_credentials&client_id=spark&client_secret=anything&scope=catalog';
      const t = await http('POST', ice('/oauth/tokens', 'main'), form, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      assert.equal(t.status, 200, JSON.stringify(t.body));
      assert.equal(t.body.token_type, 'bearer');
      assert.match(t.body.access_token, /^[\w-]{16,}$/);
      const config = await http('GET', ice('/config', 'main'), undefined, {
        authorization: `Bearer ${t.body.access_token}`,
      });
      assert.equal(config.status, 200);
    });
  });

  describe('namespaces', () => {
    it('create, load, exists, duplicate, properties, list with parent and paging, drop', async () => {
      let r = await http('POST', `${fx.base}/namespaces`, {
        namespace: ['ns1'],
        properties: { owner: 'me', gone: 'x' },
      });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { namespace: ['ns1'], properties: { owner: 'me', gone: 'x' } });
      assert.deepEqual(errorOf(await http('POST', `${fx.base}/namespaces`, { namespace: ['ns1'] })), {
        status: 409,
        type: 'AlreadyExistsException',
      });

      for (const child of ['c', 'a', 'b'])
        assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ['ns1', child] })).status, 200);
      r = await http('GET', `${fx.base}/namespaces/ns1%1Fa`);
      // No location property: the answer names the default location of its tables (not stored).
      assert.deepEqual(r.body, {
        namespace: ['ns1', 'a'],
        properties: { location: `${pathToFileURL(fx.server.dataDir).href}/warehouse/ns1/a` },
      });
      assert.equal((await http('HEAD', `${fx.base}/namespaces/ns1%1Fa`)).status, 204);
      assert.equal((await http('HEAD', `${fx.base}/namespaces/ns1%1Fzzz`)).status, 404);
      assert.deepEqual(errorOf(await http('GET', `${fx.base}/namespaces/nope`)), {
        status: 404,
        type: 'NoSuchNamespaceException',
      });

      r = await http('GET', `${fx.base}/namespaces?parent=ns1&pageToken=`);
      assert.deepEqual(r.body.namespaces, [
        ['ns1', 'a'],
        ['ns1', 'b'],
        ['ns1', 'c'],
      ]);
      assert.equal(r.body['next-page-token'], undefined);
      const seen: string[][] = [];
      let token = '';
      for (let i = 0; i < 5; i++) {
        r = await http('GET', `${fx.base}/namespaces?parent=ns1&pageSize=2&pageToken=${encodeURIComponent(token)}`);
        assert.equal(r.status, 200);
        seen.push(...r.body.namespaces);
        token = r.body['next-page-token'];
        if (!token) break;
      }
      assert.deepEqual(seen, [
        ['ns1', 'a'],
        ['ns1', 'b'],
        ['ns1', 'c'],
      ]);
      // A token the server never issued (mistyped, cut short) is refused, not read as "past the end" (an empty page).
      assert.deepEqual(errorOf(await http('GET', `${fx.base}/namespaces?parent=ns1&pageSize=2&pageToken=garbage`)), {
        status: 400,
        type: 'BadRequestException',
      });
      r = await http('GET', `${fx.base}/namespaces`);
      assert.ok(r.body.namespaces.some((n: string[]) => n.join('.') === 'ns1'));
      assert.ok(!r.body.namespaces.some((n: string[]) => n.length > 1), 'top level only');
      assert.deepEqual(errorOf(await http('GET', `${fx.base}/namespaces?parent=missing`)), {
        status: 404,
        type: 'NoSuchNamespaceException',
      });

      r = await http('POST', `${fx.base}/namespaces/ns1/properties`, {
        updates: { owner: 'you', added: '1' },
        removals: ['gone', 'never'],
      });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.updated.sort(), ['added', 'owner']);
      assert.deepEqual(r.body.removed, ['gone']);
      assert.deepEqual(r.body.missing, ['never']);
      assert.deepEqual((await http('GET', `${fx.base}/namespaces/ns1`)).body.properties, {
        owner: 'you',
        added: '1',
        location: `${pathToFileURL(fx.server.dataDir).href}/warehouse/ns1`,
      });
      // A key sent twice is answered once, removed or missing.
      r = await http('POST', `${fx.base}/namespaces/ns1/properties`, {
        removals: ['added', 'added', 'never', 'never'],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        { removed: r.body.removed, missing: r.body.missing },
        { removed: ['added'], missing: ['never'] },
      );
      assert.deepEqual(
        errorOf(await http('POST', `${fx.base}/namespaces/ns1/properties`, { updates: { a: '1' }, removals: ['a'] })),
        {
          status: 422,
          type: 'UnprocessableEntityException',
        },
      );

      assert.deepEqual(errorOf(await http('DELETE', `${fx.base}/namespaces/ns1`)), {
        status: 409,
        type: 'NamespaceNotEmptyException',
      });
      for (const child of ['a', 'b', 'c'])
        assert.equal((await http('DELETE', `${fx.base}/namespaces/ns1%1F${child}`)).status, 204);
      assert.equal((await http('DELETE', `${fx.base}/namespaces/ns1`)).status, 204);
      assert.deepEqual(errorOf(await http('DELETE', `${fx.base}/namespaces/ns1`)), {
        status: 404,
        type: 'NoSuchNamespaceException',
      });
    });

    it('a nested namespace created without its parents creates them: they load, list and hold it', async () => {
      assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ['pp', 'qq', 'rr'] })).status, 200);
      assert.equal((await http('HEAD', `${fx.base}/namespaces/pp`)).status, 204);
      assert.equal((await http('GET', `${fx.base}/namespaces/pp%1Fqq`)).status, 200);
      const top = (await http('GET', `${fx.base}/namespaces`)).body.namespaces;
      assert.ok(
        top.some((n: string[]) => n.join('.') === 'pp'),
        JSON.stringify(top),
      );
      assert.deepEqual((await http('GET', `${fx.base}/namespaces?parent=pp`)).body.namespaces, [['pp', 'qq']]);
      assert.deepEqual(errorOf(await http('DELETE', `${fx.base}/namespaces/pp`)), {
        status: 409,
        type: 'NamespaceNotEmptyException',
      });
    });

    it('refuses malformed bodies with 400 BadRequestException', async () => {
      assert.deepEqual(errorOf(await http('POST', `${fx.base}/namespaces`, { namespace: 'flat' })), {
        status: 400,
        type: 'BadRequestException',
      });
      assert.deepEqual(errorOf(await http('POST', `${fx.base}/namespaces`, '{"namespace": [')), {
        status: 400,
        type: 'BadRequestException',
      });
    });
  });
});
