/**
 * Namespace-restricted roles over HTTP: a rule's `namespaces` limit it to those namespaces on its refs, on the Iceberg
 * REST API (reads, writes, listings, renames, transactions) and on /api/v2 (entries, diff, contents, commits; merges
 * key by key are in auth-namespace-merges.test.ts), and everything that concerns a whole reference (history,
 * references) stays refused to such roles.
 */
import assert from 'node:assert/strict';
import { hashSecret, type AuthConfigInput } from '@ratatouille/catalog-server';
import { startTestServer, type TestServer } from './support/server.ts';
import { asClients } from './support/auth.ts';
import { schema } from './support/iceberg-http.ts';
import { useClientSession } from './support/clients/index.ts';

const SECRET = 'ns-secret';
const client = (id: string, ...roles: string[]) => ({ id, 'secret-sha256': hashSecret(SECRET), roles });

/** `analyst` reads sales on main and dev, `eu` only sales.eu, `loader` reads and writes sales and staging on main. */
const NAMESPACE_AUTH: AuthConfigInput = {
  clients: [
    client('ops', 'admin'),
    client('analyst', 'analyst'),
    client('eu', 'eu'),
    client('loader', 'loader'),
    client('regional', 'regional'),
  ],
  roles: {
    admin: [{ refs: ['*'], allow: ['admin'] }],
    analyst: [{ refs: ['main', 'dev'], namespaces: ['sales', 'sales.*'], allow: ['read'] }],
    eu: [{ refs: ['main'], namespaces: ['sales.eu'], allow: ['read'] }],
    // A pattern that could lie below any namespace: `eu` under whichever one has it.
    regional: [{ refs: ['main'], namespaces: ['*.eu'], allow: ['read'] }],
    loader: [{ refs: ['main'], namespaces: ['sales', 'sales.*', 'staging', 'staging.*'], allow: ['read', 'write'] }],
  },
};

describe('auth: namespace-restricted roles', function () {
  this.timeout(60_000);
  let server: TestServer;
  const { ice, api, as, signIn } = asClients(() => server.url);
  const createNs = async (ns: string[], ref?: string) =>
    assert.equal((await as('ops', 'POST', ice('/namespaces', ref), { namespace: ns })).status, 200);
  const createTable = async (ns: string, name: string, ref?: string) => {
    const r = await as('ops', 'POST', ice(`/namespaces/${ns}/tables`, ref), { name, schema });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const forbidden = (r: { status: number; body: any }, what: string) => {
    assert.equal(r.status, 403, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  const icebergForbidden = (r: { status: number; body: any }, what: string, namespace?: string) => {
    forbidden(r, what);
    assert.equal(r.body.error.type, 'ForbiddenException', what);
    assert.equal(r.body.error.code, 403, what);
    if (namespace) assert.match(r.body.error.message, new RegExp(`namespace "${namespace}"`), what);
  };
  const keys = (entries: Array<{ name: { elements: string[] } }>) => entries.map((e) => e.name.elements.join('.'));

  before(async () => {
    server = await startTestServer({ auth: NAMESPACE_AUTH });
    await signIn(['ops', 'analyst', 'eu', 'loader', 'regional'], SECRET);
    for (const ns of [['sales'], ['sales', 'eu'], ['hr'], ['staging']]) await createNs(ns);
    await createTable('sales', 'orders');
    await createTable('sales%1Feu', 'returns');
    await createTable('hr', 'salaries');
    await createTable('staging', 'tmp');
    const main = (await as('ops', 'GET', api('/trees/main'))).body.reference;
    assert.equal((await as('ops', 'POST', api('/trees?name=dev&type=BRANCH'), main)).status, 200);
    await createTable('sales', 'fresh', 'dev');
    await createTable('hr', 'bonus', 'dev');
  });
  after(async () => server?.stop());

  it('reads tables in an allowed namespace (load, HEAD, credentials, through the fast path and express)', async () => {
    assert.equal((await as('analyst', 'GET', ice('/namespaces/sales/tables/orders'))).status, 200);
    assert.equal((await as('analyst', 'GET', ice('/namespaces/sales/tables/orders?snapshots=all'))).status, 200);
    assert.equal((await as('analyst', 'HEAD', ice('/namespaces/sales/tables/orders'))).status, 204);
    assert.equal((await as('analyst', 'GET', ice('/namespaces/sales%1Feu/tables/returns', 'dev'))).status, 200);
    assert.equal((await as('analyst', 'GET', ice('/namespaces/sales%1Feu/tables/returns'))).status, 200);
    assert.equal((await as('analyst', 'GET', ice('/namespaces/sales/tables/orders/credentials'))).status, 200);
    // Planning a scan on the server is a read of the table.
    assert.equal((await as('analyst', 'POST', ice('/namespaces/sales/tables/orders/plan'), {})).status, 200);
    assert.equal((await as('analyst', 'GET', ice('/namespaces/sales'))).status, 200);
    assert.equal((await as('analyst', 'GET', ice('/config'))).status, 200);
  });

  it('refuses reads in other namespaces with 403 ForbiddenException naming the namespace', async () => {
    for (const [m, p] of [
      ['GET', '/namespaces/hr/tables/salaries'],
      ['GET', '/namespaces/hr/tables/salaries?snapshots=all'],
      ['GET', '/namespaces/hr/tables/salaries/credentials'],
      ['GET', '/namespaces/hr/tables/nothing-here'],
      ['GET', '/namespaces/hr'],
      ['GET', '/namespaces/hr/tables'],
      ['GET', '/namespaces/hr/views'],
      ['POST', '/namespaces/hr/tables/salaries/metrics'],
      ['POST', '/namespaces/hr/tables/salaries/plan'],
      ['POST', '/namespaces/hr/tables/salaries/tasks'],
      ['GET', '/wh/namespaces/hr/tables/salaries'],
    ] as const) {
      icebergForbidden(await as('analyst', m, ice(p), m === 'POST' ? {} : undefined), `${m} ${p}`, 'hr');
    }
    // HEAD has no body: the status alone, 403 whether the table exists or not.
    forbidden(await as('analyst', 'HEAD', ice('/namespaces/hr/tables/salaries')), 'HEAD');
    forbidden(await as('analyst', 'HEAD', ice('/namespaces/hr/tables/ghost')), 'HEAD ghost');
    // A ref the rules do not name at all.
    forbidden(await as('eu', 'GET', ice('/namespaces/sales%1Feu/tables/returns', 'dev')), 'eu on dev');
  });

  it('lists only readable namespaces, and the parents that lead to them', async () => {
    assert.deepEqual((await as('analyst', 'GET', ice('/namespaces'))).body.namespaces, [['sales']]);
    assert.deepEqual((await as('analyst', 'GET', ice('/namespaces?parent=sales'))).body.namespaces, [['sales', 'eu']]);
    forbidden(await as('analyst', 'GET', ice('/namespaces?parent=hr')), 'children of hr');
    // Hidden namespaces do not count against a page: hr is skipped and sales fills the page of one.
    const first = await as('analyst', 'GET', ice('/namespaces?pageSize=1'));
    assert.deepEqual(first.body.namespaces, [['sales']]);
    const token = first.body['next-page-token'] as string;
    const rest = await as('analyst', 'GET', ice(`/namespaces?pageSize=1&pageToken=${encodeURIComponent(token)}`));
    assert.deepEqual(rest.body.namespaces, [], 'staging is hidden');
    assert.equal(rest.body['next-page-token'], undefined);
    assert.deepEqual((await as('ops', 'GET', ice('/namespaces'))).body.namespaces, [['hr'], ['sales'], ['staging']]);
    // `eu` may read only sales.eu: sales is listed on the way to it, but not readable itself.
    assert.deepEqual((await as('eu', 'GET', ice('/namespaces'))).body.namespaces, [['sales']]);
    assert.deepEqual((await as('eu', 'GET', ice('/namespaces?parent=sales'))).body.namespaces, [['sales', 'eu']]);
    // `*.eu` could be below any namespace, but only sales has an eu: hr and staging are not named to this caller.
    assert.deepEqual((await as('regional', 'GET', ice('/namespaces'))).body.namespaces, [['sales']]);
    assert.deepEqual((await as('regional', 'GET', ice('/namespaces?parent=sales'))).body.namespaces, [['sales', 'eu']]);
    forbidden(await as('eu', 'GET', ice('/namespaces/sales')), 'load sales');
    forbidden(await as('eu', 'GET', ice('/namespaces/sales/tables')), 'tables of sales');
    const tables = await as('eu', 'GET', ice('/namespaces/sales%1Feu/tables'));
    assert.deepEqual(tables.body.identifiers, [{ namespace: ['sales', 'eu'], name: 'returns' }]);
    const orders = await as('analyst', 'GET', ice('/namespaces/sales/tables'));
    assert.deepEqual(orders.body.identifiers, [{ namespace: ['sales'], name: 'orders' }]);
  });

  it('/api/v2: entries and diff show only readable keys; contents by key are checked', async () => {
    const entries = await as('analyst', 'GET', api('/trees/main/entries'));
    assert.equal(entries.status, 200);
    assert.deepEqual(keys(entries.body.entries), ['sales', 'sales.eu', 'sales.eu.returns', 'sales.orders']);
    const all = await as('ops', 'GET', api('/trees/main/entries'));
    assert.ok(keys(all.body.entries).includes('hr.salaries'));
    const eu = await as('eu', 'GET', api('/trees/main/entries'));
    assert.deepEqual(keys(eu.body.entries), ['sales.eu', 'sales.eu.returns']);

    const diff = await as('analyst', 'GET', api('/trees/main/diff/dev'));
    assert.equal(diff.status, 200, JSON.stringify(diff.body));
    assert.deepEqual(
      diff.body.diffs.map((d: { key: { elements: string[] } }) => d.key.elements.join('.')),
      ['sales.fresh'],
    );
    const opsDiff = await as('ops', 'GET', api('/trees/main/diff/dev'));
    assert.equal(opsDiff.body.diffs.length, 2);

    assert.equal((await as('analyst', 'GET', api('/trees/main/contents/sales.orders'))).status, 200);
    const hidden = await as('analyst', 'GET', api('/trees/main/contents/hr.salaries'));
    forbidden(hidden, 'contents of hr.salaries');
    assert.equal(hidden.body.errorCode, 'FORBIDDEN');
    // sales.eu.returns is readable to `eu`, sales.orders is not: the same key asked of a table and a namespace.
    assert.equal((await as('eu', 'GET', api('/trees/main/contents/sales.eu.returns'))).status, 200);
    assert.equal((await as('eu', 'GET', api('/trees/main/contents/sales.eu'))).status, 200);
    // sales.orders passes the first check (sales.eu lies below sales) and is then answered as missing.
    assert.equal((await as('eu', 'GET', api('/trees/main/contents/sales.orders'))).status, 404);
    const many = await as('analyst', 'POST', api('/trees/main/contents'), {
      requestedKeys: [{ elements: ['sales', 'orders'] }, { elements: ['hr', 'salaries'] }],
    });
    assert.equal(many.status, 200);
    assert.deepEqual(
      many.body.contents.map((c: { key: { elements: string[] } }) => c.key.elements.join('.')),
      ['sales.orders'],
    );
    const byQuery = await as('analyst', 'GET', api('/trees/main/contents?key=hr.salaries&key=sales.orders'));
    assert.equal(byQuery.body.contents.length, 1);
    // History names every key its commits touched: reference-wide only.
    forbidden(await as('analyst', 'GET', api('/trees/main/history')), 'history');
    // The reference itself and the listing of references are readable.
    assert.equal((await as('analyst', 'GET', api('/trees/main'))).status, 200);
    const refs = await as('analyst', 'GET', api('/trees'));
    assert.deepEqual(refs.body.references.map((r: { name: string }) => r.name).sort(), ['dev', 'main']);
    // fetch=ALL describes only what the caller may read the history of: a HEAD's message and the ahead/behind counts
    // tell of keys outside the analyst's namespaces (hr.bonus on dev), so it gets the references without metadata,
    // and a filter over commit meta sees none.
    type Listed = { name: string; metadata?: { commitMetaOfHEAD: { message: string }; numCommitsAhead: number } };
    const described = async (who: string, q = '') =>
      new Map(
        ((await as(who, 'GET', api(`/trees?fetch=ALL${q}`))).body.references as Listed[]).map((r) => [
          r.name,
          r.metadata,
        ]),
      );
    assert.deepEqual([...(await described('analyst')).values()], [undefined, undefined]);
    assert.equal((await as('analyst', 'GET', api('/trees/dev?fetch=ALL'))).body.reference.metadata, undefined);
    assert.deepEqual(
      [...(await described('analyst', `&filter=${encodeURIComponent("commit.message != ''")}`)).keys()],
      [],
    );
    const full = await described('ops');
    assert.equal(full.get('dev')?.numCommitsAhead, 2);
    assert.ok(full.get('main')?.commitMetaOfHEAD.message);
  });

  it("the web UI's table reads keep to the namespaces (preview, row diff); lineage shows only readable tables", async () => {
    assert.equal((await as('analyst', 'GET', api('/rat/preview?ref=main&key=sales.orders'))).status, 200);
    assert.equal((await as('eu', 'GET', api('/rat/preview?ref=main&key=sales.eu.returns'))).status, 200);
    forbidden(await as('analyst', 'GET', api('/rat/preview?ref=main&key=hr.salaries')), 'preview of hr');
    forbidden(await as('eu', 'GET', api('/rat/preview?ref=main&key=sales.orders')), 'preview of sales by eu');
    assert.equal((await as('analyst', 'GET', api('/rat/row-diff?from=main&to=dev&key=sales.orders'))).status, 200);
    forbidden(await as('analyst', 'GET', api('/rat/row-diff?from=main&to=dev&key=hr.salaries')), 'row diff of hr');
    // eu reads nothing on dev: a diff against it is refused, whichever table.
    forbidden(await as('eu', 'GET', api('/rat/row-diff?from=main&to=dev&key=sales.eu.returns')), 'diff with dev');
    const lineage = async (who: string, ref: string) => {
      const r = await as(who, 'GET', api(`/rat/lineage?ref=${ref}`));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as { tables: unknown[]; withheld: number };
    };
    // main holds sales.orders, sales.eu.returns, hr.salaries and staging.tmp: the analyst reads the first two.
    const analyst = await lineage('analyst', 'main');
    assert.equal(analyst.withheld, 2);
    assert.doesNotMatch(JSON.stringify(analyst), /hr|staging/);
    assert.equal((await lineage('eu', 'main')).withheld, 3);
    assert.equal((await lineage('ops', 'main')).withheld, 0);
    forbidden(await as('eu', 'GET', api('/rat/lineage?ref=dev')), 'lineage of dev by eu');
  });

  it('refuses writes outside the writable namespaces, on Iceberg and on /api/v2', async () => {
    icebergForbidden(
      await as('loader', 'POST', ice('/namespaces/hr/tables'), { name: 'x', schema }),
      'create in hr',
      'hr',
    );
    icebergForbidden(await as('loader', 'DELETE', ice('/namespaces/hr/tables/salaries')), 'drop hr.salaries', 'hr');
    icebergForbidden(await as('loader', 'POST', ice('/namespaces'), { namespace: ['hr', 'x'] }), 'create hr.x');
    icebergForbidden(await as('analyst', 'POST', ice('/namespaces/sales/tables'), { name: 'x', schema }), 'reader');
    const commit = { requirements: [], updates: [{ action: 'set-properties', updates: { k: 'v' } }] };
    icebergForbidden(await as('loader', 'POST', ice('/namespaces/hr/tables/salaries'), commit), 'commit', 'hr');
    // Writing is allowed where the rule says.
    assert.equal((await as('loader', 'POST', ice('/namespaces/staging/tables/tmp'), commit)).status, 200);
    const created = await as('loader', 'POST', ice('/namespaces/staging/tables'), { name: 'made', schema });
    assert.equal(created.status, 200, JSON.stringify(created.body));

    const head = async () => (await as('ops', 'GET', api('/trees/main'))).body.reference.hash as string;
    const ns = (elements: string[]) => ({ type: 'PUT', key: { elements }, content: { type: 'NAMESPACE' } });
    const meta = { commitMeta: { message: 'ns' } };
    const before = await head();
    for (const operations of [
      [ns(['hr', 'sub'])],
      [ns(['staging', 'ok']), ns(['hr', 'sub'])],
      [{ type: 'DELETE', key: { elements: ['hr', 'salaries'] } }],
    ]) {
      const r = await as('loader', 'POST', api(`/trees/main@${before}/history/commit`), { ...meta, operations });
      forbidden(r, JSON.stringify(operations));
      assert.equal(r.body.errorCode, 'FORBIDDEN');
    }
    assert.equal(await head(), before, 'nothing was committed');
    const ok = await as('loader', 'POST', api(`/trees/main@${before}/history/commit`), {
      ...meta,
      operations: [ns(['staging', 'ok'])],
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    // A merge reads its source: the loader reads nothing on dev.
    const dev = (await as('ops', 'GET', api('/trees/dev'))).body.reference.hash;
    const merge = await as('loader', 'POST', api('/trees/main/history/merge'), { fromRefName: 'dev', fromHash: dev });
    forbidden(merge, 'merge');
  });

  it('refuses a multi-table transaction as a whole when one table is not writable', async () => {
    const load = async (ns: string, t: string) =>
      (await as('ops', 'GET', ice(`/namespaces/${ns}/tables/${t}`))).body['metadata-location'];
    const change = (namespace: string[], name: string) => ({
      identifier: { namespace, name },
      requirements: [],
      updates: [{ action: 'set-properties', updates: { tx: 'yes' } }],
    });
    const before = [await load('staging', 'tmp'), await load('hr', 'salaries')];
    const refused = await as('loader', 'POST', ice('/transactions/commit'), {
      'table-changes': [change(['staging'], 'tmp'), change(['hr'], 'salaries')],
    });
    icebergForbidden(refused, 'transaction', 'hr');
    assert.deepEqual([await load('staging', 'tmp'), await load('hr', 'salaries')], before);
    const allowed = await as('loader', 'POST', ice('/transactions/commit'), {
      'table-changes': [change(['staging'], 'tmp'), change(['sales'], 'orders')],
    });
    assert.equal(allowed.status, 204, JSON.stringify(allowed.body));
  });

  it('leaves choosing where files go (locations, write paths, registrations) to reference-wide writers', async () => {
    const hr = (await as('ops', 'GET', ice('/namespaces/hr/tables/salaries'))).body;
    const chooses = (r: { status: number; body: any }, what: string) => {
      icebergForbidden(r, what);
      assert.match(r.body.error.message, /Choosing where files go/, what);
    };
    // A table of its own pointed at hr's folder would let the loader's credentials (or signed requests) reach hr's files.
    chooses(
      await as('loader', 'POST', ice('/namespaces/staging/tables'), {
        name: 'spy',
        schema,
        location: hr.metadata.location,
      }),
      'create with a location',
    );
    chooses(
      await as('loader', 'POST', ice('/namespaces/staging/tables'), {
        name: 'spy',
        schema,
        properties: { 'write.data.path': `${hr.metadata.location}/data` },
      }),
      'create with a write path',
    );
    chooses(
      await as('loader', 'POST', ice('/namespaces/staging/register'), {
        name: 'spy',
        'metadata-location': hr['metadata-location'],
      }),
      'register hr.salaries as staging.spy',
    );
    const move = { requirements: [], updates: [{ action: 'set-location', location: hr.metadata.location }] };
    chooses(await as('loader', 'POST', ice('/namespaces/staging/tables/made'), move), 'set-location (fast path)');
    chooses(
      await as('loader', 'POST', ice('/transactions/commit'), {
        'table-changes': [{ identifier: { namespace: ['staging'], name: 'made' }, ...move }],
      }),
      'set-location in a transaction',
    );
    chooses(
      await as('loader', 'POST', ice('/namespaces/staging/properties'), { updates: { location: 'file:///x' } }),
      'namespace location',
    );
    const head = (await as('ops', 'GET', api('/trees/main'))).body.reference.hash;
    const content = { type: 'ICEBERG_TABLE', metadataLocation: hr['metadata-location'], snapshotId: -1 };
    const put = await as('loader', 'POST', api(`/trees/main@${head}/history/commit`), {
      commitMeta: { message: 'spy' },
      operations: [{ type: 'PUT', key: { elements: ['staging', 'spy'] }, content }],
    });
    forbidden(put, 'a table put through /api/v2');
    assert.match(put.body.message, /Choosing where files go/);
    assert.equal((await as('ops', 'HEAD', ice('/namespaces/staging/tables/spy'))).status, 404, 'nothing was created');
    // A function's content names its metadata file too: one of hr's files served as a function of staging.
    const udf = await as('loader', 'POST', api(`/trees/main@${head}/history/commit`), {
      commitMeta: { message: 'spy function' },
      operations: [
        {
          type: 'PUT',
          key: { elements: ['staging', 'spy_fn'] },
          content: { type: 'UDF', metadataLocation: hr['metadata-location'] },
        },
      ],
    });
    forbidden(udf, 'a function put through /api/v2');
    assert.match(udf.body.message, /Choosing where files go/);
    assert.equal(
      (await as('ops', 'GET', ice('/namespaces/staging/functions/spy_fn'))).status,
      404,
      'nothing was created',
    );
    // The catalog's own placement stays open to the namespace's writer; a reference-wide writer may choose.
    const placed = await as('loader', 'POST', ice('/namespaces/staging/tables'), { name: 'placed', schema });
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    const chosen = await as('ops', 'POST', ice('/namespaces/staging/tables'), {
      name: 'chosen',
      schema,
      location: `${placed.body.metadata.location}-chosen`,
    });
    assert.equal(chosen.status, 200, JSON.stringify(chosen.body));
  });

  it('renames across namespaces only when both sides are writable', async () => {
    const rename = (from: string[], to: string[], name: string, newName = name) =>
      as('loader', 'POST', ice('/tables/rename'), {
        source: { namespace: from, name },
        destination: { namespace: to, name: newName },
      });
    icebergForbidden(await rename(['staging'], ['hr'], 'tmp'), 'into hr', 'hr');
    icebergForbidden(await rename(['hr'], ['staging'], 'salaries'), 'out of hr', 'hr');
    assert.equal((await as('ops', 'HEAD', ice('/namespaces/staging/tables/tmp'))).status, 204);
    assert.equal((await as('ops', 'HEAD', ice('/namespaces/hr/tables/salaries'))).status, 204);
    const moved = await rename(['staging'], ['sales'], 'tmp', 'moved');
    assert.equal(moved.status, 204, JSON.stringify(moved.body));
    assert.equal((await as('analyst', 'HEAD', ice('/namespaces/sales/tables/moved'))).status, 204);
  });

  it('tells the web UI read, commit and merge per reference, never manage', async () => {
    const who = await as('loader', 'GET', api('/rat/whoami?ref=main&ref=dev'));
    assert.equal(who.status, 200);
    assert.deepEqual(who.body.refs.main, { read: true, commit: true, merge: true, manage: false, protected: false });
    assert.equal(who.body.refs.dev.read, false);
    assert.equal(who.body.mayCreate, false);
  });
});

describe('auth: namespace-restricted roles with PyIceberg (real client)', function () {
  const session = useClientSession('namespace_auth_suite.py', {
    server: { auth: NAMESPACE_AUTH },
    config: { secret: SECRET },
  });

  it('lists and reads only what the analyst may read, sales on the way to sales.eu', () => {
    assert.deepEqual(session.step('ops lays out sales, sales.eu, hr and staging'), ['hr', 'sales', 'staging']);
    assert.deepEqual(session.step('analyst lists and reads sales'), {
      top: ['sales'],
      underSales: ['sales.eu'],
      tables: ['sales.orders'],
      rows: [1],
      euExists: true,
    });
  });

  it('raises ForbiddenError for reads and writes outside the namespaces', () => {
    assert.equal(session.raised('analyst loads hr.salaries -> ForbiddenError'), 'ForbiddenError');
    assert.equal(session.raised('analyst lists tables of hr -> ForbiddenError'), 'ForbiddenError');
    assert.equal(session.raised('analyst appends to sales.orders -> ForbiddenError'), 'ForbiddenError');
    assert.equal(session.raised('loader creates a table in hr -> ForbiddenError'), 'ForbiddenError');
    assert.equal(session.raised('loader renames staging.batch into hr -> ForbiddenError'), 'ForbiddenError');
  });

  it('lets the loader write where its rule says', () => {
    assert.deepEqual(session.step('loader writes in staging'), [7]);
    session.assertNoServerErrors();
  });
});
