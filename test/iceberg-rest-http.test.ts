import assert from 'node:assert/strict';
import { existsSync, readdirSync, unlinkSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { startTestServer, http, type TestServer } from './support/server.ts';

/**
 * The Iceberg REST catalog over real HTTP (plain fetch) against a real server with a SQLite store and a file
 * warehouse: every endpoint, error statuses and types, branches, concurrency and transactions.
 */

const schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'data', type: 'string', required: false },
  ],
};

const BIG = '3051729675574597004';
const BIG2 = '4051729675574597005';

/** Sends a raw JSON text body so 64-bit ids go over the wire exactly as clients write them. */
async function rawPost(url: string, text: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: text,
  });
  const body = await res.text();
  return { status: res.status, text: body, json: body ? JSON.parse(body) : null };
}

/** Where the hand-written snapshots below say their (never written) manifest lists are: inside the warehouse. */
let manifestRoot = '';

function appendBody(id: string, seq: number, parent: string | null, requirements = ''): string {
  return `{"requirements":[${requirements}],"updates":[{"action":"add-snapshot","snapshot":{"snapshot-id":${id},"parent-snapshot-id":${parent},"sequence-number":${seq},"timestamp-ms":${1_700_000_000_000 + seq},"manifest-list":"${manifestRoot}/snap-${id}.avro","summary":{"operation":"append"}}},{"action":"set-snapshot-ref","ref-name":"main","type":"branch","snapshot-id":${id}}]}`;
}

function errorOf(r: { status: number; body: any }): { status: number; type: string } {
  return { status: r.status, type: r.body?.error?.type };
}

describe('Iceberg REST catalog over HTTP', function () {
  let server: TestServer;
  let base: string;
  const ice = (p: string, ref?: string) =>
    `${server.url}/iceberg${ref === undefined ? '' : `/${encodeURIComponent(ref)}`}/v1${p}`;

  async function mainHash(ref = 'main'): Promise<string> {
    const r = await http('GET', `${server.url}/api/v2/trees/${encodeURIComponent(ref)}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.reference.hash;
  }

  async function createRef(name: string, type: 'BRANCH' | 'TAG', from = 'main'): Promise<void> {
    const hash = await mainHash(from);
    const r = await http('POST', `${server.url}/api/v2/trees?name=${encodeURIComponent(name)}&type=${type}`, {
      type: 'BRANCH',
      name: from,
      hash,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }

  async function createTable(ns: string, name: string, ref?: string, extra: Record<string, unknown> = {}) {
    const r = await http('POST', ice(`/namespaces/${ns}/tables`, ref), { name, location: null, schema, ...extra });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  }

  before(async () => {
    server = await startTestServer();
    base = `${server.url}/iceberg/v1`;
    manifestRoot = pathToFileURL(path.join(server.dataDir, 'warehouse', 'nowhere')).href;
  });
  after(async () => {
    await server?.stop();
  });

  describe('config', () => {
    it('returns defaults, overrides (no uri) and the implemented endpoints', async () => {
      const r = await http('GET', `${base}/config`);
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
  });

  describe('namespaces', () => {
    it('create, load, exists, duplicate, properties, list with parent and paging, drop', async () => {
      let r = await http('POST', `${base}/namespaces`, { namespace: ['ns1'], properties: { owner: 'me', gone: 'x' } });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { namespace: ['ns1'], properties: { owner: 'me', gone: 'x' } });
      assert.deepEqual(errorOf(await http('POST', `${base}/namespaces`, { namespace: ['ns1'] })), {
        status: 409,
        type: 'AlreadyExistsException',
      });

      for (const child of ['c', 'a', 'b'])
        assert.equal((await http('POST', `${base}/namespaces`, { namespace: ['ns1', child] })).status, 200);
      r = await http('GET', `${base}/namespaces/ns1%1Fa`);
      // No location property: the answer names the default location of its tables (not stored).
      assert.deepEqual(r.body, {
        namespace: ['ns1', 'a'],
        properties: { location: `${pathToFileURL(server.dataDir).href}/warehouse/ns1/a` },
      });
      assert.equal((await http('HEAD', `${base}/namespaces/ns1%1Fa`)).status, 204);
      assert.equal((await http('HEAD', `${base}/namespaces/ns1%1Fzzz`)).status, 404);
      assert.deepEqual(errorOf(await http('GET', `${base}/namespaces/nope`)), {
        status: 404,
        type: 'NoSuchNamespaceException',
      });

      r = await http('GET', `${base}/namespaces?parent=ns1&pageToken=`);
      assert.deepEqual(r.body.namespaces, [
        ['ns1', 'a'],
        ['ns1', 'b'],
        ['ns1', 'c'],
      ]);
      assert.equal(r.body['next-page-token'], undefined);
      const seen: string[][] = [];
      let token = '';
      for (let i = 0; i < 5; i++) {
        r = await http('GET', `${base}/namespaces?parent=ns1&pageSize=2&pageToken=${encodeURIComponent(token)}`);
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
      r = await http('GET', `${base}/namespaces`);
      assert.ok(r.body.namespaces.some((n: string[]) => n.join('.') === 'ns1'));
      assert.ok(!r.body.namespaces.some((n: string[]) => n.length > 1), 'top level only');
      assert.deepEqual(errorOf(await http('GET', `${base}/namespaces?parent=missing`)), {
        status: 404,
        type: 'NoSuchNamespaceException',
      });

      r = await http('POST', `${base}/namespaces/ns1/properties`, {
        updates: { owner: 'you', added: '1' },
        removals: ['gone', 'never'],
      });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.updated.sort(), ['added', 'owner']);
      assert.deepEqual(r.body.removed, ['gone']);
      assert.deepEqual(r.body.missing, ['never']);
      assert.deepEqual((await http('GET', `${base}/namespaces/ns1`)).body.properties, {
        owner: 'you',
        added: '1',
        location: `${pathToFileURL(server.dataDir).href}/warehouse/ns1`,
      });
      assert.deepEqual(
        errorOf(await http('POST', `${base}/namespaces/ns1/properties`, { updates: { a: '1' }, removals: ['a'] })),
        {
          status: 422,
          type: 'UnprocessableEntityException',
        },
      );

      assert.deepEqual(errorOf(await http('DELETE', `${base}/namespaces/ns1`)), {
        status: 409,
        type: 'NamespaceNotEmptyException',
      });
      for (const child of ['a', 'b', 'c'])
        assert.equal((await http('DELETE', `${base}/namespaces/ns1%1F${child}`)).status, 204);
      assert.equal((await http('DELETE', `${base}/namespaces/ns1`)).status, 204);
      assert.deepEqual(errorOf(await http('DELETE', `${base}/namespaces/ns1`)), {
        status: 404,
        type: 'NoSuchNamespaceException',
      });
    });

    it('refuses malformed bodies with 400 BadRequestException', async () => {
      assert.deepEqual(errorOf(await http('POST', `${base}/namespaces`, { namespace: 'flat' })), {
        status: 400,
        type: 'BadRequestException',
      });
      assert.deepEqual(errorOf(await http('POST', `${base}/namespaces`, '{"namespace": [')), {
        status: 400,
        type: 'BadRequestException',
      });
    });
  });

  describe('tables', () => {
    before(async () => {
      assert.equal((await http('POST', `${base}/namespaces`, { namespace: ['db'] })).status, 200);
      assert.equal((await http('POST', `${base}/namespaces`, { namespace: ['other'] })).status, 200);
    });

    it('create writes metadata under the warehouse; load, exists, list, ETag', async () => {
      const created = await createTable('db', 't1', undefined, { properties: { 'format-version': '2', owner: 'me' } });
      assert.match(created['metadata-location'], /\/metadata\/00000-[0-9a-f-]{36}\.metadata\.json$/);
      assert.ok(created['metadata-location'].startsWith(`file://${server.dataDir}/warehouse/db/t1-`));
      assert.ok(existsSync(fileURLToPath(created['metadata-location'])));
      assert.equal(created.metadata['format-version'], 2);
      // gc.enabled=false: only the catalog deletes files (branches share them), never a client's procedure.
      assert.deepEqual(created.metadata.properties, { owner: 'me', 'gc.enabled': 'false' });
      assert.equal(created.metadata['current-snapshot-id'], -1);
      assert.deepEqual(errorOf(await http('POST', `${base}/namespaces/db/tables`, { name: 't1', schema })), {
        status: 409,
        type: 'AlreadyExistsException',
      });

      const loaded = await http('GET', `${base}/namespaces/db/tables/t1?snapshots=all`);
      assert.equal(loaded.status, 200);
      assert.equal(loaded.body['metadata-location'], created['metadata-location']);
      assert.deepEqual(loaded.body.config, {});
      const etag = loaded.headers.get('etag');
      assert.ok(etag);
      assert.equal(
        (await http('GET', `${base}/namespaces/db/tables/t1`, undefined, { 'if-none-match': etag! })).status,
        304,
      );
      assert.equal(
        (await http('GET', `${base}/namespaces/db/tables/t1`, undefined, { 'if-none-match': '"other"' })).status,
        200,
      );
      // REST 1.11's `referenced-by` (loading a table through views) is accepted.
      const viaView = await http('GET', `${base}/namespaces/db/tables/t1?referenced-by=db%1Fv1%2Cdb%1Fv2`);
      assert.equal(viaView.status, 200);
      assert.equal(viaView.body['metadata-location'], created['metadata-location']);
      // After a commit the old ETag no longer matches: the client gets the new metadata and a new ETag.
      const committed = await http('POST', `${base}/namespaces/db/tables/t1`, {
        requirements: [],
        updates: [{ action: 'set-properties', updates: { touched: 'yes' } }],
      });
      assert.equal(committed.status, 200);
      const reloaded = await http('GET', `${base}/namespaces/db/tables/t1`, undefined, { 'if-none-match': etag! });
      assert.equal(reloaded.status, 200);
      assert.equal(reloaded.body.metadata.properties.touched, 'yes');
      assert.notEqual(reloaded.headers.get('etag'), etag);
      assert.equal(
        (await http('GET', `${base}/namespaces/nope/tables/t1`, undefined, { 'if-none-match': etag! })).status,
        404,
      );

      assert.equal((await http('HEAD', `${base}/namespaces/db/tables/t1`)).status, 204);
      assert.equal((await http('HEAD', `${base}/namespaces/db/tables/nope`)).status, 404);
      const list = await http('GET', `${base}/namespaces/db/tables?pageToken=`);
      assert.deepEqual(list.body.identifiers, [{ namespace: ['db'], name: 't1' }]);
    });

    it('a metadata file deleted behind the catalog makes a load 404 NotFoundException, also when cached', async () => {
      const created = await createTable('db', 'gone');
      const url = `${base}/namespaces/db/tables/gone`;
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
      const own = `${pathToFileURL(server.dataDir).href}/warehouse/elsewhere/loc`;
      assert.equal(
        (await http('POST', `${base}/namespaces`, { namespace: ['located'], properties: { location: own } })).status,
        200,
      );
      const dflt = (await http('GET', `${base}/namespaces/db`)).body.properties.location;
      assert.equal(dflt, `${pathToFileURL(server.dataDir).href}/warehouse/db`);
      assert.equal((await http('GET', `${base}/namespaces/located`)).body.properties.location, own);
      const inDb = await createTable('db', 'at_default');
      assert.ok(inDb.metadata.location.startsWith(`${dflt}/at_default-`), inDb.metadata.location);
      const inLocated = await createTable('located', 't');
      assert.ok(inLocated.metadata.location.startsWith(`${own}/t-`), inLocated.metadata.location);
      // The answered location is not stored: the namespace's own properties stay as they were.
      const mgmt = await http('GET', `${server.url}/api/v2/trees/main/contents/db`);
      assert.equal(mgmt.status, 200);
      assert.equal(mgmt.body.content.properties?.location, undefined);
    });

    it('errors: load in a missing namespace is NoSuchTable, create there NoSuchNamespace, listing it NoSuchNamespace', async () => {
      assert.deepEqual(errorOf(await http('GET', `${base}/namespaces/missing/tables/t`)), {
        status: 404,
        type: 'NoSuchTableException',
      });
      assert.deepEqual(errorOf(await http('GET', `${base}/namespaces/db/tables/missing`)), {
        status: 404,
        type: 'NoSuchTableException',
      });
      assert.deepEqual(errorOf(await http('POST', `${base}/namespaces/missing/tables`, { name: 't', schema })), {
        status: 404,
        type: 'NoSuchNamespaceException',
      });
      assert.deepEqual(errorOf(await http('GET', `${base}/namespaces/missing/tables`)), {
        status: 404,
        type: 'NoSuchNamespaceException',
      });
      assert.deepEqual(
        errorOf(await http('POST', `${base}/namespaces/db/tables/missing`, { requirements: [], updates: [] })),
        {
          status: 404,
          type: 'NoSuchTableException',
        },
      );
    });

    it('commit: exact 64-bit snapshot ids, metadata-log, full history on load, snapshots=refs', async () => {
      await createTable('db', 'snaps');
      const url = `${base}/namespaces/db/tables/snaps`;
      let r = await rawPost(
        url,
        appendBody(BIG, 1, 'null', `{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":null}`),
      );
      assert.equal(r.status, 200, r.text);
      assert.match(r.text, new RegExp(`"current-snapshot-id":${BIG}[,}]`));
      assert.match(r.json['metadata-location'], /\/metadata\/00001-/);
      const first = r.json['metadata-location'];
      r = await rawPost(
        url,
        appendBody(BIG2, 2, BIG, `{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":${BIG}}`),
      );
      assert.equal(r.status, 200, r.text);
      assert.match(r.json['metadata-location'], /\/metadata\/00002-/);
      assert.ok(r.json.metadata['metadata-log'].some((e: any) => e['metadata-file'] === first));

      // A tag on the first snapshot, then load with all vs refs.
      r = await rawPost(
        url,
        `{"updates":[{"action":"set-snapshot-ref","ref-name":"old","type":"tag","snapshot-id":${BIG}}]}`,
      );
      assert.equal(r.status, 200, r.text);
      r = await rawPost(url, `{"updates":[{"action":"remove-snapshot-ref","ref-name":"old"}]}`);
      assert.equal(r.status, 200, r.text);
      const all = await fetch(`${url}?snapshots=all`).then((x) => x.text());
      assert.equal(JSON.parse(all).metadata.snapshots.length, 2, 'full history');
      assert.ok(all.includes(`{"snapshot-id":${BIG},`) && all.includes(`{"snapshot-id":${BIG2},`), 'exact ids');
      const refs = await fetch(`${url}?snapshots=refs`).then((x) => x.text());
      assert.equal(JSON.parse(refs).metadata.snapshots.length, 1, 'only referenced snapshots');
      assert.ok(refs.includes(`{"snapshot-id":${BIG2},`));
      assert.equal((await http('GET', `${url}?snapshots=bogus`)).status, 400);
    });

    it('commit: a failed requirement and a stale sequence number are 409 CommitFailedException; nothing changes', async () => {
      await createTable('db', 'stale');
      const url = `${base}/namespaces/db/tables/stale`;
      assert.equal((await rawPost(url, appendBody(BIG, 1, 'null'))).status, 200);
      const before = (await http('GET', url)).body['metadata-location'];
      let r = await rawPost(
        url,
        appendBody(BIG2, 2, BIG, `{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":null}`),
      );
      assert.deepEqual({ status: r.status, type: r.json.error.type }, { status: 409, type: 'CommitFailedException' });
      r = await rawPost(url, appendBody(BIG2, 1, BIG));
      assert.deepEqual({ status: r.status, type: r.json.error.type }, { status: 409, type: 'CommitFailedException' });
      r = await rawPost(
        url,
        `{"requirements":[{"type":"assert-current-schema-id","current-schema-id":5}],"updates":[]}`,
      );
      assert.equal(r.status, 409);
      assert.equal((await http('GET', url)).body['metadata-location'], before);
    });

    it('commit: Java style (no identifier, -1 ids), PyIceberg style (add-schema without last-column-id), unknown action is 400', async () => {
      await createTable('db', 'evolve');
      const url = `${base}/namespaces/db/tables/evolve`;
      let r = await http('POST', url, {
        requirements: [{ type: 'assert-current-schema-id', 'current-schema-id': 0 }],
        updates: [
          {
            action: 'add-schema',
            schema: {
              type: 'struct',
              'schema-id': 1,
              fields: [...schema.fields, { id: 3, name: 'ts', type: 'timestamptz', required: false }],
            },
          },
          { action: 'set-current-schema', 'schema-id': -1 },
          {
            action: 'add-spec',
            spec: { 'spec-id': 1, fields: [{ 'source-id': 3, 'field-id': 1000, name: 'ts_day', transform: 'day' }] },
          },
          { action: 'set-default-spec', 'spec-id': -1 },
          {
            action: 'add-sort-order',
            'sort-order': {
              'order-id': 1,
              fields: [{ 'source-id': 1, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' }],
            },
          },
          { action: 'set-default-sort-order', 'sort-order-id': -1 },
          { action: 'set-properties', updates: { k: 'v' } },
        ],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.metadata['current-schema-id'], 1);
      assert.equal(r.body.metadata['last-column-id'], 3);
      assert.equal(r.body.metadata['default-spec-id'], 1);
      assert.equal(r.body.metadata['default-sort-order-id'], 1);
      r = await http('POST', url, {
        identifier: { namespace: ['db'], name: 'evolve' },
        updates: [{ action: 'upgrade-format-version', 'format-version': 3 }],
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.metadata['format-version'], 3);
      r = await http('POST', url, { updates: [{ action: 'teleport' }] });
      assert.deepEqual({ ...errorOf(r) }, { status: 400, type: 'BadRequestException' });
      r = await http('POST', url, { requirements: [{ type: 'assert-magic' }], updates: [] });
      assert.equal(r.status, 400);
      r = await http('POST', url, { updates: [{ action: 'set-current-schema', 'schema-id': 99 }] });
      assert.equal(r.status, 400);
      r = await http('POST', url, { identifier: { namespace: ['db'], name: 'other' }, updates: [] });
      assert.equal(r.status, 400);
    });

    it('stage-create returns uncommitted metadata, prepares metadata/, and the assert-create commit creates the table', async () => {
      const staged = await createTable('db', 'staged', undefined, { 'stage-create': true });
      assert.equal(staged['metadata-location'], null);
      const location = staged.metadata.location;
      assert.ok(existsSync(path.join(fileURLToPath(location), 'metadata')), 'metadata/ exists for writers');
      assert.equal((await http('HEAD', `${base}/namespaces/db/tables/staged`)).status, 404);
      const m = staged.metadata;
      const commit = {
        requirements: [{ type: 'assert-create' }],
        updates: [
          { action: 'assign-uuid', uuid: m['table-uuid'] },
          { action: 'upgrade-format-version', 'format-version': 2 },
          { action: 'add-schema', schema: m.schemas[0] },
          { action: 'set-current-schema', 'schema-id': -1 },
          { action: 'add-spec', spec: m['partition-specs'][0] },
          { action: 'set-default-spec', 'spec-id': -1 },
          { action: 'add-sort-order', 'sort-order': m['sort-orders'][0] },
          { action: 'set-default-sort-order', 'sort-order-id': -1 },
          { action: 'set-location', location },
          { action: 'set-properties', updates: { created: 'staged' } },
        ],
      };
      let r = await http('POST', `${base}/namespaces/db/tables/staged`, commit);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.metadata['table-uuid'], m['table-uuid']);
      assert.equal(r.body.metadata.location, location);
      assert.equal((await http('HEAD', `${base}/namespaces/db/tables/staged`)).status, 204);
      r = await http('POST', `${base}/namespaces/db/tables/staged`, commit);
      assert.deepEqual(errorOf(r), { status: 409, type: 'CommitFailedException' });
    });

    it('rename across namespaces; errors for missing source, taken destination, missing namespace', async () => {
      await createTable('db', 'mv');
      await createTable('db', 'taken');
      const mv = (source: object, destination: object) =>
        http('POST', `${base}/tables/rename`, { source, destination });
      assert.equal((await mv({ namespace: ['db'], name: 'mv' }, { namespace: ['other'], name: 'moved' })).status, 204);
      assert.equal((await http('HEAD', `${base}/namespaces/db/tables/mv`)).status, 404);
      assert.equal((await http('HEAD', `${base}/namespaces/other/tables/moved`)).status, 204);
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
      assert.equal((await http('DELETE', `${base}/namespaces/db/tables/dropme?purgeRequested=False`)).status, 204);
      assert.equal((await http('HEAD', `${base}/namespaces/db/tables/dropme`)).status, 404);
      assert.ok(existsSync(dir));
      assert.deepEqual(errorOf(await http('DELETE', `${base}/namespaces/db/tables/dropme`)), {
        status: 404,
        type: 'NoSuchTableException',
      });

      let r = await http('POST', `${base}/namespaces/db/register`, {
        name: 'back',
        'metadata-location': t['metadata-location'],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body['metadata-location'], t['metadata-location']);
      assert.equal(r.body.metadata['table-uuid'], t.metadata['table-uuid']);
      r = await http('POST', `${base}/namespaces/db/register`, {
        name: 'back',
        'metadata-location': t['metadata-location'],
      });
      assert.deepEqual(errorOf(r), { status: 409, type: 'AlreadyExistsException' });
      r = await http('POST', `${base}/namespaces/db/register`, {
        name: 'back',
        'metadata-location': t['metadata-location'],
        overwrite: true,
      });
      assert.equal(r.status, 200);
      r = await http('POST', `${base}/namespaces/db/register`, {
        name: 'bad',
        'metadata-location': `file://${server.dataDir}/nope.json`,
      });
      assert.equal(r.status, 400);

      // All history is kept by default: the dropped version stays readable at earlier commits, so purge leaves its
      // files to GC and says so (test/storage-safety.test.ts covers purge with a shorter retention).
      const purged = await http('DELETE', `${base}/namespaces/db/tables/back?purgeRequested=True`);
      assert.equal(purged.status, 204, JSON.stringify(purged.body));
      assert.equal(purged.headers.get('x-rat-purge'), 'deleted=0; retained=all');
      assert.ok(existsSync(dir), 'history still reaches the files');
    });

    it('credentials and metrics', async () => {
      await createTable('db', 'creds');
      const r = await http('GET', `${base}/namespaces/db/tables/creds/credentials`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { 'storage-credentials': [] });
      const m = await http('POST', `${base}/namespaces/db/tables/creds/metrics`, {
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
      assert.deepEqual(errorOf(await http('GET', `${base}/namespaces/db/tables/none/credentials`)), {
        status: 404,
        type: 'NoSuchTableException',
      });
    });

    it('load and exists answer alike through every URL form (default branch, named ref, prefix segment)', async () => {
      await createTable('db', 'forms');
      const forms = [
        `${base}/namespaces/db/tables/forms`,
        ice('/namespaces/db/tables/forms', 'main'),
        `${base}/wh/namespaces/db/tables/forms`,
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

    it('names with "/", ".", spaces and unicode; a prefix segment is accepted', async () => {
      const ns = ['we ird', 'ü.x/y'];
      const nsPath = ns.map(encodeURIComponent).join('%1F');
      assert.equal((await http('POST', `${base}/namespaces`, { namespace: [ns[0]] })).status, 200);
      assert.equal((await http('POST', `${base}/namespaces`, { namespace: ns })).status, 200);
      await createTable(nsPath, 'tä b/l.e');
      const r = await http('GET', `${base}/namespaces/${nsPath}/tables/${encodeURIComponent('tä b/l.e')}`);
      assert.equal(r.status, 200);
      const list = await http('GET', `${base}/namespaces/${nsPath}/tables`);
      assert.deepEqual(list.body.identifiers, [{ namespace: ns, name: 'tä b/l.e' }]);
      const children = await http('GET', `${base}/namespaces?parent=${encodeURIComponent(ns[0])}`);
      assert.deepEqual(children.body.namespaces, [ns]);
      assert.equal((await http('GET', `${base}/wh/namespaces/${nsPath}/tables`)).status, 200);
    });
  });

  describe('commit concurrency and transactions', () => {
    before(async () => {
      assert.equal((await http('POST', `${base}/namespaces`, { namespace: ['cc'] })).status, 200);
    });

    it('concurrent commits whose requirements still hold all land; none is a 5xx', async () => {
      const t = await createTable('cc', 'hot');
      const url = `${base}/namespaces/cc/tables/hot`;
      const n = 12;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          http('POST', url, {
            requirements: [{ type: 'assert-table-uuid', uuid: t.metadata['table-uuid'] }],
            updates: [{ action: 'set-properties', updates: { [`k${i}`]: String(i) } }],
          }),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        Array(n).fill(200),
      );
      const props = (await http('GET', url)).body.metadata.properties;
      for (let i = 0; i < n; i++) assert.equal(props[`k${i}`], String(i), `k${i} landed`);
      // Different tables in parallel all land too.
      const others = await Promise.all(
        Array.from({ length: 6 }, (_, i) => http('POST', `${base}/namespaces/cc/tables`, { name: `p${i}`, schema })),
      );
      assert.deepEqual(
        others.map((r) => r.status),
        Array(6).fill(200),
      );
    });

    it('concurrent appends on the same parent: exactly one wins, the others get 409, nothing is lost', async () => {
      await createTable('cc', 'race');
      const url = `${base}/namespaces/cc/tables/race`;
      const ids = ['1111111111111111111', '2222222222222222222', '3333333333333333333', '4444444444444444444'];
      const results = await Promise.all(
        ids.map((id) =>
          rawPost(url, appendBody(id, 1, 'null', `{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":null}`)),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) assert.equal(r.json.error.type, 'CommitFailedException');
      const winner = ids[results.findIndex((r) => r.status === 200)];
      const text = await fetch(url).then((x) => x.text());
      assert.match(text, new RegExp(`"current-snapshot-id":${winner}[,}]`));
    });

    it('transactions/commit: all tables change in one store commit, or none when a requirement fails', async () => {
      const a = await createTable('cc', 'ta');
      const b = await createTable('cc', 'tb');
      const before = await mainHash();
      let r = await http('POST', `${base}/transactions/commit`, {
        'table-changes': [
          {
            identifier: { namespace: ['cc'], name: 'ta' },
            requirements: [{ type: 'assert-table-uuid', uuid: a.metadata['table-uuid'] }],
            updates: [{ action: 'set-properties', updates: { tx: '1' } }],
          },
          {
            identifier: { namespace: ['cc'], name: 'tb' },
            requirements: [],
            updates: [{ action: 'set-properties', updates: { tx: '1' } }],
          },
        ],
      });
      assert.equal(r.status, 204, JSON.stringify(r.body));
      const log = await http('GET', `${server.url}/api/v2/trees/main/history?limit-hash=${before}`);
      assert.equal(
        log.body.logEntries.filter((e: any) => e.commitMeta.hash !== before).length,
        1,
        'one commit for both tables',
      );
      assert.equal((await http('GET', `${base}/namespaces/cc/tables/ta`)).body.metadata.properties.tx, '1');
      assert.equal((await http('GET', `${base}/namespaces/cc/tables/tb`)).body.metadata.properties.tx, '1');

      r = await http('POST', `${base}/transactions/commit`, {
        'table-changes': [
          {
            identifier: { namespace: ['cc'], name: 'ta' },
            requirements: [],
            updates: [{ action: 'set-properties', updates: { tx: '2' } }],
          },
          {
            identifier: { namespace: ['cc'], name: 'tb' },
            requirements: [{ type: 'assert-table-uuid', uuid: a.metadata['table-uuid'] }],
            updates: [{ action: 'set-properties', updates: { tx: '2' } }],
          },
        ],
      });
      assert.deepEqual(errorOf(r), { status: 409, type: 'CommitFailedException' });
      assert.equal(
        (await http('GET', `${base}/namespaces/cc/tables/ta`)).body.metadata.properties.tx,
        '1',
        'ta unchanged',
      );
      void b;
      r = await http('POST', `${base}/transactions/commit`, {
        'table-changes': [{ identifier: { namespace: ['cc'], name: 'ghost' }, requirements: [], updates: [] }],
      });
      assert.deepEqual(errorOf(r), { status: 404, type: 'NoSuchTableException' });
      r = await http('POST', `${base}/transactions/commit`, { 'table-changes': [{ requirements: [], updates: [] }] });
      assert.equal(r.status, 400, 'transaction changes need identifiers');
    });

    it('leaves no metadata files of lost attempts behind', async () => {
      const t = await createTable('cc', 'tidy');
      const url = `${base}/namespaces/cc/tables/tidy`;
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          http('POST', url, { updates: [{ action: 'set-properties', updates: { [`p${i}`]: '1' } }] }),
        ),
      );
      const files = readdirSync(path.join(fileURLToPath(t.metadata.location), 'metadata')).filter((f) =>
        f.endsWith('.metadata.json'),
      );
      const md = (await http('GET', url)).body.metadata;
      assert.equal(files.length, md['metadata-log'].length + 1, 'one file per landed version');
    });
  });

  describe('views', () => {
    before(async () => {
      assert.equal((await http('POST', `${base}/namespaces`, { namespace: ['vw'] })).status, 200);
    });
    const version = (sql: string) => ({
      'version-id': 1,
      'timestamp-ms': 1_700_000_000_000,
      'schema-id': 0,
      summary: { 'engine-name': 'spark' },
      representations: [{ type: 'sql', sql, dialect: 'spark' }],
      'default-namespace': ['vw'],
    });

    it('create, load, exists, list, replace, rename, drop', async () => {
      let r = await http('POST', `${base}/namespaces/vw/views`, {
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
          await http('POST', `${base}/namespaces/vw/views`, {
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
      assert.equal((await http('HEAD', `${base}/namespaces/vw/views/v`)).status, 204);
      assert.equal((await http('HEAD', `${base}/namespaces/vw/views/nope`)).status, 404);
      assert.deepEqual((await http('GET', `${base}/namespaces/vw/views`)).body.identifiers, [
        { namespace: ['vw'], name: 'v' },
      ]);
      assert.deepEqual(
        (await http('GET', `${base}/namespaces/vw/tables`)).body.identifiers,
        [],
        'views are not tables',
      );

      r = await http('POST', `${base}/namespaces/vw/views/v`, {
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
      r = await http('GET', `${base}/namespaces/vw/views/v`);
      assert.equal(r.body.metadata.versions.length, 2);
      r = await http('POST', `${base}/namespaces/vw/views/v`, {
        requirements: [{ type: 'assert-view-uuid', uuid: 'wrong' }],
        updates: [],
      });
      assert.deepEqual(errorOf(r), { status: 409, type: 'CommitFailedException' });

      const current = (await http('GET', `${base}/namespaces/vw/views/v`)).body['metadata-location'];
      r = await http('POST', `${base}/namespaces/vw/register-view`, { name: 'again', 'metadata-location': current });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.metadata['view-uuid'], uuid);
      r = await http('POST', `${base}/namespaces/vw/register-view`, { name: 'again', 'metadata-location': current });
      assert.deepEqual(errorOf(r), { status: 409, type: 'AlreadyExistsException' });
      assert.equal((await http('DELETE', `${base}/namespaces/vw/views/again`)).status, 204);

      assert.equal(
        (
          await http('POST', `${base}/views/rename`, {
            source: { namespace: ['vw'], name: 'v' },
            destination: { namespace: ['vw'], name: 'v2' },
          })
        ).status,
        204,
      );
      assert.deepEqual(errorOf(await http('GET', `${base}/namespaces/vw/views/v`)), {
        status: 404,
        type: 'NoSuchViewException',
      });
      assert.equal((await http('DELETE', `${base}/namespaces/vw/views/v2`)).status, 204);
      assert.deepEqual(errorOf(await http('DELETE', `${base}/namespaces/vw/views/v2`)), {
        status: 404,
        type: 'NoSuchViewException',
      });
    });

    it('a view and a table cannot share a name', async () => {
      await createTable('vw', 'shared');
      const r = await http('POST', `${base}/namespaces/vw/views`, {
        name: 'shared',
        schema,
        'view-version': version('select 1'),
        properties: {},
      });
      assert.deepEqual(errorOf(r), { status: 409, type: 'AlreadyExistsException' });
      assert.deepEqual(errorOf(await http('GET', `${base}/namespaces/vw/views/shared`)), {
        status: 404,
        type: 'NoSuchViewException',
      });
    });
  });

  describe('branches', () => {
    it('writes on a branch are invisible on main until merged; forking copies no data', async () => {
      assert.equal((await http('POST', `${base}/namespaces`, { namespace: ['br'] })).status, 200);
      const t = await createTable('br', 'shared');
      await createRef('feature/x', 'BRANCH');
      const feat = (p: string) => ice(p, 'feature/x');
      assert.ok(feat('').includes('/iceberg/feature%2Fx/v1'));

      // Same table, same metadata file on both branches right after the fork.
      const onFeature = await http('GET', feat('/namespaces/br/tables/shared'));
      assert.equal(onFeature.body['metadata-location'], t['metadata-location']);

      await createTable('br', 'only_feature', 'feature/x');
      const r = await rawPost(feat('/namespaces/br/tables/shared'), appendBody(BIG, 1, 'null'));
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(errorOf(await http('GET', `${base}/namespaces/br/tables/only_feature`)), {
        status: 404,
        type: 'NoSuchTableException',
      });
      assert.equal(
        (await http('GET', `${base}/namespaces/br/tables/shared`)).body.metadata['current-snapshot-id'],
        -1,
        'main unchanged',
      );
      assert.equal((await http('DELETE', feat('/namespaces/br/tables/shared'))).status, 204);
      assert.equal(
        (await http('HEAD', `${base}/namespaces/br/tables/shared`)).status,
        204,
        'drop on the branch leaves main',
      );

      const featureHead = await mainHash('feature/x');
      const merged = await http('POST', `${server.url}/api/v2/trees/main@${await mainHash()}/history/merge`, {
        fromRefName: 'feature/x',
        fromHash: featureHead,
      });
      assert.equal(merged.status, 200, JSON.stringify(merged.body));
      assert.equal((await http('HEAD', `${base}/namespaces/br/tables/only_feature`)).status, 204, 'merged');
      assert.equal((await http('HEAD', `${base}/namespaces/br/tables/shared`)).status, 404, 'drop merged');
    });

    it('a commit on one branch shows on the very next load there (loads are cached by metadata file, not by ref)', async () => {
      const t = await createTable('br', 'cached');
      await createRef('cache-b', 'BRANCH');
      const onB = ice('/namespaces/br/tables/cached', 'cache-b');
      const onMain = `${base}/namespaces/br/tables/cached`;
      for (const mode of ['', '?snapshots=refs']) {
        // Warm: both refs name the same file, loaded twice each.
        for (const url of [onB, onMain, onB, onMain])
          assert.equal((await http('GET', `${url}${mode}`)).body['metadata-location'], t['metadata-location']);
      }
      const committed = await http('POST', onB, {
        requirements: [],
        updates: [{ action: 'set-properties', updates: { cached: 'no' } }],
      });
      assert.equal(committed.status, 200, JSON.stringify(committed.body));
      for (const mode of ['', '?snapshots=refs']) {
        const b = await http('GET', `${onB}${mode}`);
        assert.equal(b.body['metadata-location'], committed.body['metadata-location']);
        assert.equal(b.body.metadata.properties.cached, 'no');
        const m = await http('GET', `${onMain}${mode}`, undefined, {
          'x-iceberg-access-delegation': 'vended-credentials',
        });
        assert.equal(m.body['metadata-location'], t['metadata-location']);
        assert.equal(m.body.metadata.properties.cached, undefined);
        assert.equal(typeof m.body.config, 'object');
        assert.notEqual(b.headers.get('etag'), m.headers.get('etag'));
      }
    });

    it('purge on a branch keeps files another branch still uses', async () => {
      const t = await createTable('br', 'keepfiles');
      await createRef('purgebranch', 'BRANCH');
      assert.equal(
        (await http('DELETE', ice('/namespaces/br/tables/keepfiles?purgeRequested=true', 'purgebranch'))).status,
        204,
      );
      assert.ok(existsSync(fileURLToPath(t['metadata-location'])), 'main still needs them');
      assert.equal((await http('GET', `${base}/namespaces/br/tables/keepfiles`)).status, 200);
    });

    it('tags and points in history are readable and refuse writes with 400 READ_ONLY', async () => {
      assert.equal((await http('POST', `${base}/namespaces`, { namespace: ['ro'] })).status, 200);
      const hash = await mainHash();
      await createTable('ro', 'later');
      await createRef('v1', 'TAG');
      for (const ref of [`main@${hash}`, 'v1']) {
        const r = await http('POST', ice('/namespaces/ro/tables', ref), { name: 'nope', schema });
        assert.deepEqual(errorOf(r), { status: 400, type: 'BadRequestException' }, ref);
        assert.equal((await http('POST', ice('/namespaces', ref), { namespace: ['x'] })).status, 400);
        assert.equal((await http('DELETE', ice('/namespaces/ro', ref))).status, 400);
      }
      assert.equal(
        (await http('HEAD', ice('/namespaces/ro/tables/later', `main@${hash}`))).status,
        404,
        'the past has no table yet',
      );
      assert.equal((await http('HEAD', ice('/namespaces/ro/tables/later', 'v1'))).status, 204);
      const at = new Date(Date.now() + 60_000).toISOString();
      assert.equal((await http('HEAD', ice('/namespaces/ro/tables/later', `main*${at}`))).status, 204);
    });
  });

  describe('commit metadata', () => {
    it('takes author and message from headers, else derives "append to ns.t"', async () => {
      assert.equal((await http('POST', `${base}/namespaces`, { namespace: ['meta'] })).status, 200);
      await createTable('meta', 't');
      let r = await rawPost(`${base}/namespaces/meta/tables/t`, appendBody(BIG, 1, 'null'));
      assert.equal(r.status, 200);
      let log = await http('GET', `${server.url}/api/v2/trees/main/history?maxRecords=1`);
      assert.equal(log.body.logEntries[0].commitMeta.message, 'append to meta.t');
      r = await rawPost(
        `${base}/namespaces/meta/tables/t`,
        '{"updates":[{"action":"set-properties","updates":{"a":"b"}}]}',
        {
          'x-rat-author': 'Ada <ada@example.com>',
          'x-rat-message': 'tune table',
        },
      );
      assert.equal(r.status, 200);
      log = await http('GET', `${server.url}/api/v2/trees/main/history?maxRecords=1`);
      assert.equal(log.body.logEntries[0].commitMeta.message, 'tune table');
      assert.ok(JSON.stringify(log.body.logEntries[0].commitMeta).includes('Ada'));
    });
  });
});
