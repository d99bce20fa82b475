import assert from 'node:assert/strict';
import { http, metricValue, startTestServer, type TestServer } from './support/server.ts';
import { BIG, BIG2, icebergHttpServer } from './support/iceberg-http.ts';
import { TEAM_AUTH, bearer, tokenFor } from './support/auth.ts';

/**
 * Every answer of the server carries `X-Content-Type-Options: nosniff` (catalog-server/src/http/nosniff.ts), so a
 * browser never sniffs an API answer, which echoes names and messages clients stored, into HTML: the Iceberg REST and
 * management APIs' JSON, their error answers from the one error map, express's own 404 and 405, and the table reads
 * and commits answered ahead of express (checked to have been answered there through the front-end metrics).
 */
describe('X-Content-Type-Options: nosniff on every API answer', function () {
  this.timeout(60_000);
  const fx = icebergHttpServer();
  const { ice, createTable } = fx;

  /** Sends one request and asserts its status and the header; returns the response's headers. */
  const expectNosniff = async (
    what: string,
    method: string,
    url: string,
    status: number,
    body?: string,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body,
    });
    const text = await res.text();
    assert.equal(res.status, status, `${what}: ${text}`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
    return res.headers;
  };
  const front = (kind: 'read' | 'commit') =>
    metricValue(fx.server.url, `rat_http_table_${kind}_front_end_total`, { front_end: 'hot' });

  before(async () => {
    await http('POST', `${fx.base}/namespaces`, { namespace: ['db'] });
    await createTable('db', 't');
  });

  it('on management API answers and errors', async () => {
    const api = `${fx.server.url}/api/v2`;
    await expectNosniff('config', 'GET', `${api}/config`, 200);
    await expectNosniff('openapi.json', 'GET', `${api}/openapi.json`, 200);
    await expectNosniff('unknown reference', 'GET', `${api}/trees/nope`, 404);
    await expectNosniff('bad reference name', 'GET', `${api}/trees/bad..name`, 400);
    await expectNosniff('unknown path', 'GET', `${api}/nothing-here`, 404);
    await expectNosniff('method not allowed', 'PATCH', `${api}/trees/main`, 405);
    await expectNosniff('bad JSON', 'POST', `${api}/trees?name=x&type=BRANCH`, 400, '{');
  });

  it('on Iceberg REST answers and errors through express', async () => {
    await expectNosniff('config', 'GET', `${fx.base}/config`, 200);
    await expectNosniff('list namespaces', 'GET', ice('/namespaces'), 200);
    await expectNosniff('missing namespace', 'GET', ice('/namespaces/nope'), 404);
    await expectNosniff('unsupported media type', 'POST', ice('/namespaces'), 415, undefined, {
      'content-type': 'text/plain',
    });
  });

  it('on table reads and commits answered ahead of express, their errors included', async () => {
    const table = ice('/namespaces/db/tables/t');
    const reads = await front('read');
    const etag = (await expectNosniff('loadTable', 'GET', table, 200)).get('etag')!;
    await expectNosniff('loadTable 304', 'GET', table, 304, undefined, { 'if-none-match': etag });
    await expectNosniff('tableExists', 'HEAD', table, 204);
    await expectNosniff('tableExists, no such table', 'HEAD', ice('/namespaces/db/tables/none'), 404);
    assert.equal(await front('read'), reads + 4, 'the reads were answered ahead of express');
    const commits = await front('commit');
    await expectNosniff('commit', 'POST', table, 200, fx.appendBody(BIG, 1, 'null'));
    const stale = `{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":${BIG2}}`;
    await expectNosniff('failed requirement', 'POST', table, 409, fx.appendBody(BIG2, 2, BIG, stale));
    await expectNosniff('malformed body', 'POST', table, 400, '{"updates":');
    assert.equal(await front('commit'), commits + 3, 'the commits were answered ahead of express');
    // A table read that is not the plain case (a missing table) is answered by express, with the header too.
    await expectNosniff('loadTable, no such table', 'GET', ice('/namespaces/db/tables/none'), 404);
  });

  it('on health and metrics', async () => {
    await expectNosniff('healthz', 'GET', `${fx.server.url}/healthz`, 200);
    await expectNosniff('metrics', 'GET', `${fx.server.url}/metrics`, 200);
  });

  describe('with auth on', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ auth: TEAM_AUTH });
    });
    after(async () => server?.stop());

    it('on the token endpoint, 401 and 403 answers, and a reader’s table load ahead of express', async () => {
      const api = `${server.url}/api/v2`;
      const etl = bearer(await tokenFor(server.url, 'etl'));
      const bad = await fetch(`${server.url}/iceberg/v1/oauth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=etl&client_secret=wrong',
      });
      await bad.arrayBuffer();
      assert.equal(bad.status, 401);
      assert.equal(bad.headers.get('x-content-type-options'), 'nosniff', 'refused token request');
      await expectNosniff('no token', 'GET', `${api}/config`, 401);
      await expectNosniff('protected branch', 'POST', `${server.url}/iceberg/v1/namespaces`, 403, '{}', etl);
      const main = (await http('GET', `${api}/trees/main`, undefined, etl)).body.reference;
      assert.equal((await http('POST', `${api}/trees?name=dev&type=BRANCH`, main, etl)).status, 200);
      const dev = `${server.url}/iceberg/dev/v1`;
      assert.equal((await http('POST', `${dev}/namespaces`, { namespace: ['db'] }, etl)).status, 200);
      const table = { name: 't', location: null, schema: { type: 'struct', 'schema-id': 0, fields: [] } };
      assert.equal((await http('POST', `${dev}/namespaces/db/tables`, table, etl)).status, 200);
      const hot = () => metricValue(server.url, 'rat_http_table_read_front_end_total', { front_end: 'hot' });
      const before = await hot();
      const bi = bearer(await tokenFor(server.url, 'bi'));
      await expectNosniff('loadTable with a token', 'GET', `${dev}/namespaces/db/tables/t`, 200, undefined, bi);
      assert.equal(await hot(), before + 1, 'answered ahead of express');
    });
  });
});
