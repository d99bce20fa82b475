/**
 * Authentication and authorization over HTTP: the loopback-only default, the token endpoint, 401/403 in both wire
 * shapes, protected branches, filtered reference listings; rat commands authenticating (login: auth-cli.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '@ratatouille/catalog-server';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { startServerProcess } from './support/server-process.ts';
import { SECRETS, TEAM_AUTH, bearer, tokenFor } from './support/auth.ts';
import { runRat } from './support/rat-cli.ts';
import { schema } from './support/iceberg-http.ts';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('auth: binding without an auth config', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'rat-auth-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rat serve on a non-loopback address refuses to start and names --auth and --insecure-no-auth', async () => {
    await assert.rejects(startServerProcess(['--host', '0.0.0.0', '--data-dir', dir]), (err: Error) => {
      assert.match(err.message, /--auth/);
      assert.match(err.message, /--insecure-no-auth/);
      return true;
    });
  });

  it('serves loopback without config as before, and 0.0.0.0 with --insecure-no-auth', async () => {
    const local = await startServer({ host: '127.0.0.1', port: 0, dataDir: dir });
    try {
      assert.equal((await http('GET', `${local.url}/iceberg/v1/config`)).status, 200);
    } finally {
      await local.close();
    }
    const open = await startServerProcess(['--host', '0.0.0.0', '--data-dir', dir, '--insecure-no-auth']);
    try {
      assert.equal((await http('GET', `${open.url}/api/v2/trees`)).status, 200);
    } finally {
      await open.stop();
    }
  });
});

describe('auth: tokens, 401 and 403', function () {
  this.timeout(60_000);
  let server: TestServer;
  const tokens: Record<string, string> = {};
  before(async () => {
    server = await startTestServer({ auth: TEAM_AUTH });
    for (const c of ['etl', 'bi', 'rel', 'ops', 'guest'] as const) tokens[c] = await tokenFor(server.url, c);
  });
  after(async () => server?.stop());

  it('issues tokens for client credentials at /iceberg and every /iceberg/<ref>, in form fields or Basic auth', async () => {
    const ok = await http(
      'POST',
      `${server.url}/iceberg/feature%2Fx/v1/oauth/tokens`,
      form({ grant_type: 'client_credentials', client_id: 'bi', client_secret: SECRETS.bi, scope: 'catalog' }),
      FORM,
    );
    assert.equal(ok.status, 200);
    assert.equal(ok.body.token_type, 'bearer');
    assert.equal(ok.body.expires_in, 3600);
    const basic = await http(
      'POST',
      `${server.url}/iceberg/v1/oauth/tokens`,
      form({ grant_type: 'client_credentials' }),
      {
        ...FORM,
        authorization: `Basic ${Buffer.from(`etl:${SECRETS.etl}`).toString('base64')}`,
      },
    );
    assert.equal(basic.status, 200);
    const exchanged = await http(
      'POST',
      `${server.url}/iceberg/v1/oauth/tokens`,
      form({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: basic.body.access_token,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      }),
      FORM,
    );
    assert.equal(exchanged.status, 200);
  });

  it('refuses wrong credentials in the OAuth2 error shape', async () => {
    const url = `${server.url}/iceberg/v1/oauth/tokens`;
    const wrong = await http(
      'POST',
      url,
      form({ grant_type: 'client_credentials', client_id: 'bi', client_secret: 'x' }),
      FORM,
    );
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    const unknown = await http('POST', url, form({ grant_type: 'password', username: 'a' }), FORM);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error, 'unsupported_grant_type');
  });

  it('401 with WWW-Authenticate for no or a bad token, in the Iceberg and in the Nessie shape', async () => {
    const none = await http('GET', `${server.url}/iceberg/v1/config`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer /);
    assert.equal(none.body.error.type, 'NotAuthorizedException');
    // PyIceberg without a credential sends this.
    const pyNone = await http('GET', `${server.url}/iceberg/v1/config`, undefined, { authorization: 'Bearer None' });
    assert.equal(pyNone.status, 401);
    assert.match(pyNone.headers.get('www-authenticate') ?? '', /invalid_token/);
    const spaced = await http('GET', `${server.url}/iceberg/v1/config`, undefined, { authorization: 'Bearer a b' });
    assert.equal(spaced.status, 401);
    assert.match(spaced.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    // Refused before the body is read: malformed JSON gets 401, not 400.
    const unread = await http('POST', `${server.url}/iceberg/v1/namespaces`, '{not json');
    assert.equal(unread.status, 401);
    const tampered = tokens['ops']!.slice(0, -2) + (tokens['ops']!.endsWith('AA') ? 'BB' : 'AA');
    const bad = await http('GET', `${server.url}/api/v2/trees`, undefined, bearer(tampered));
    assert.equal(bad.status, 401);
    assert.equal(bad.body.errorCode, 'UNAUTHORIZED');
    assert.equal(bad.body.status, 401);
  });

  it('serves the web UI without a token; no spelling of an API path gets past the token check', async () => {
    const page = await http('GET', `${server.url}/branches`, undefined, { accept: 'text/html' });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    for (const p of [
      '/API/v2/trees',
      '//api/v2/trees',
      '/%61pi/v2/trees',
      '/iceberg/v1/namespaces',
      '//iceberg/v1/config',
    ]) {
      const res = await http('GET', `${server.url}${p}`, undefined, { accept: 'text/html' });
      // A path no API router matches may get the app's page, never an API answer.
      const ok = [401, 404].includes(res.status) || /text\/html/.test(res.headers.get('content-type') ?? '');
      assert.ok(ok, `${p} → ${res.status} ${res.headers.get('content-type')}`);
    }
  });

  it('403 ForbiddenException: a reader writing, a writer committing to protected main', async () => {
    const readerWrite = await http(
      'POST',
      `${server.url}/iceberg/v1/namespaces`,
      { namespace: ['db'] },
      bearer(tokens['bi']!),
    );
    assert.equal(readerWrite.status, 403);
    assert.equal(readerWrite.body.error.type, 'ForbiddenException');
    const protectedMain = await http(
      'POST',
      `${server.url}/iceberg/v1/namespaces`,
      { namespace: ['db'] },
      bearer(tokens['etl']!),
    );
    assert.equal(protectedMain.status, 403);
    assert.equal(protectedMain.body.error.type, 'ForbiddenException');
    const nessie = await http('GET', `${server.url}/api/v2/trees/main`, undefined, bearer(tokens['etl']!));
    assert.equal(nessie.status, 200);
  });

  it('a writer commits on a branch, the releaser merges it into protected main, the writer cannot', async () => {
    const etl = bearer(tokens['etl']!);
    const main = (await http('GET', `${server.url}/api/v2/trees/main`, undefined, etl)).body.reference;
    const created = await http('POST', `${server.url}/api/v2/trees?name=etl&type=BRANCH`, main, etl);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(
      (await http('POST', `${server.url}/iceberg/etl/v1/namespaces`, { namespace: ['db'] }, etl)).status,
      200,
    );
    const head = (await http('GET', `${server.url}/api/v2/trees/etl`, undefined, etl)).body.reference.hash;
    const body = { fromRefName: 'etl', fromHash: head };
    const byWriter = await http('POST', `${server.url}/api/v2/trees/main@${main.hash}/history/merge`, body, etl);
    assert.equal(byWriter.status, 403);
    assert.equal(byWriter.body.errorCode, 'FORBIDDEN');
    const byReleaser = await http(
      'POST',
      `${server.url}/api/v2/trees/main@${main.hash}/history/merge`,
      body,
      bearer(tokens['rel']!),
    );
    assert.equal(byReleaser.status, 200, JSON.stringify(byReleaser.body));
    const loaded = await http('GET', `${server.url}/iceberg/v1/namespaces/db`, undefined, bearer(tokens['bi']!));
    assert.equal(loaded.status, 200);
  });

  it('a table named metrics is committed to as a table: a reader cannot write it, a writer not on protected main', async () => {
    const ops = bearer(tokens['ops']!);
    const main = (await http('GET', `${server.url}/api/v2/trees/main`, undefined, ops)).body.reference;
    const ns = await http('POST', `${server.url}/iceberg/v1/namespaces`, { namespace: ['m'] }, ops);
    assert.equal(ns.status, 403, 'the admin may not commit to protected main either');
    // Put the namespace and table on main the way a team does: a branch, merged by the releaser.
    const side = await http('POST', `${server.url}/api/v2/trees?name=metrics-side&type=BRANCH`, main, ops);
    assert.equal(side.status, 200);
    const etl = bearer(tokens['etl']!);
    const base = `${server.url}/iceberg/metrics-side/v1`;
    assert.equal((await http('POST', `${base}/namespaces`, { namespace: ['m'] }, etl)).status, 200);
    const created = await http('POST', `${base}/namespaces/m/tables`, { name: 'metrics', schema }, etl);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const head = (await http('GET', `${server.url}/api/v2/trees/metrics-side`, undefined, etl)).body.reference.hash;
    const merged = await http(
      'POST',
      `${server.url}/api/v2/trees/main@${main.hash}/history/merge`,
      { fromRefName: 'metrics-side', fromHash: head },
      bearer(tokens['rel']!),
    );
    assert.equal(merged.status, 200, JSON.stringify(merged.body));
    const commit = { requirements: [], updates: [{ action: 'set-properties', updates: { owner: 'someone' } }] };
    for (const [who, table] of [
      ['bi', 'metrics'],
      ['bi', 'Metrics'],
      ['etl', 'metrics'],
    ] as const) {
      const res = await http(
        'POST',
        `${server.url}/iceberg/v1/namespaces/m/tables/${table}`,
        commit,
        bearer(tokens[who]!),
      );
      assert.equal(res.status, 403, `${who} → ${table}: ${JSON.stringify(res.body)}`);
    }
    const report = {
      'report-type': 'scan-report',
      'table-name': 'm.metrics',
      'snapshot-id': 1,
      filter: { type: 'true' },
    };
    const metrics = await http(
      'POST',
      `${server.url}/iceberg/v1/namespaces/m/tables/metrics/metrics`,
      report,
      bearer(tokens['bi']!),
    );
    assert.notEqual(metrics.status, 403, 'a reader still sends metrics reports');
  });

  it('a protected branch whose name looks like a commit hash is protected', async () => {
    const narrow = await startTestServer({ auth: { ...TEAM_AUTH, protected: ['main', '2026*'] } });
    try {
      const ops = bearer(await tokenFor(narrow.url, 'ops'));
      const etl = bearer(await tokenFor(narrow.url, 'etl'));
      const main = (await http('GET', `${narrow.url}/api/v2/trees/main`, undefined, ops)).body.reference;
      const created = await http('POST', `${narrow.url}/api/v2/trees?name=20261205&type=BRANCH`, main, ops);
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const viaIceberg = await http('POST', `${narrow.url}/iceberg/20261205/v1/namespaces`, { namespace: ['x'] }, etl);
      assert.equal(viaIceberg.status, 403, JSON.stringify(viaIceberg.body));
      const viaNessie = await http(
        'POST',
        `${narrow.url}/api/v2/trees/20261205@${main.hash}/history/commit`,
        {
          commitMeta: { message: 'x' },
          operations: [{ type: 'PUT', key: { elements: ['x'] }, content: { type: 'NAMESPACE', elements: ['x'] } }],
        },
        etl,
      );
      assert.equal(viaNessie.status, 403, JSON.stringify(viaNessie.body));
      assert.equal(
        (await http('GET', `${narrow.url}/api/v2/trees/20261205`, undefined, ops)).body.reference.hash,
        main.hash,
      );
    } finally {
      await narrow.stop();
    }
  });

  it('recent-changes shows a narrow reader no head the reference held outside its history (it was re-pointed away and back)', async () => {
    const ops = bearer(tokens['ops']!);
    const api = `${server.url}/api/v2`;
    const main = (await http('GET', `${api}/trees/main`, undefined, ops)).body.reference;
    for (const name of ['team%2Frc', 'hidden-rc']) {
      assert.equal((await http('POST', `${api}/trees?name=${name}&type=BRANCH`, main, ops)).status, 200);
    }
    const hiddenNs = await http('POST', `${server.url}/iceberg/hidden-rc/v1/namespaces`, { namespace: ['h'] }, ops);
    assert.equal(hiddenNs.status, 200);
    const hidden = (await http('GET', `${api}/trees/hidden-rc`, undefined, ops)).body.reference.hash;
    const away = await http(
      'PUT',
      `${api}/trees/team%2Frc@${main.hash}?type=BRANCH`,
      { type: 'BRANCH', name: 'hidden-rc', hash: hidden },
      ops,
    );
    assert.equal(away.status, 200, JSON.stringify(away.body));
    const back = await http(
      'PUT',
      `${api}/trees/team%2Frc@${hidden}?type=BRANCH`,
      { type: 'BRANCH', name: 'main', hash: main.hash },
      ops,
    );
    assert.equal(back.status, 200, JSON.stringify(back.body));
    const heads = async (token: string) =>
      (await http('GET', `${api}/trees/team%2Frc/recent-changes`, undefined, bearer(token))).body.previous.map(
        (p: { commitHash: string }) => p.commitHash,
      );
    assert.ok((await heads(tokens['ops']!)).includes(hidden));
    assert.ok(!(await heads(tokens['guest']!)).includes(hidden));
  });

  it('records the authenticated caller as author and rat.principal, whatever the client declares', async () => {
    const etl = bearer(tokens['etl']!);
    const main = (await http('GET', `${server.url}/api/v2/trees/main`, undefined, etl)).body.reference;
    assert.equal((await http('POST', `${server.url}/api/v2/trees?name=audit&type=BRANCH`, main, etl)).status, 200);
    const created = await http(
      'POST',
      `${server.url}/iceberg/audit/v1/namespaces`,
      { namespace: ['audited'] },
      { ...etl, 'x-rat-author': 'mallory' },
    );
    assert.equal(created.status, 200);
    const head = (await http('GET', `${server.url}/api/v2/trees/audit`, undefined, etl)).body.reference.hash;
    const merged = await http(
      'POST',
      `${server.url}/api/v2/trees/main@${main.hash}/history/merge`,
      { fromRefName: 'audit', fromHash: head },
      bearer(tokens['rel']!),
    );
    assert.equal(merged.status, 200, JSON.stringify(merged.body));
    const meta = async (ref: string) =>
      (await http('GET', `${server.url}/api/v2/trees/${ref}/history`, undefined, etl)).body.logEntries[0].commitMeta;
    const [merge, commit] = [await meta('main'), await meta('audit')];
    assert.deepEqual(merge.authors, ['rel']);
    assert.deepEqual(merge.allProperties['rat.principal'], ['rel']);
    assert.deepEqual(commit.authors, ['etl']);
    assert.deepEqual(commit.allProperties['rat.principal'], ['etl']);
  });

  it('lists only the references the caller may read', async () => {
    const narrow = await startTestServer({
      auth: { ...TEAM_AUTH, roles: { ...TEAM_AUTH.roles, reader: [{ refs: ['main', 'team/*'], allow: ['read'] }] } },
    });
    try {
      const ops = bearer(await tokenFor(narrow.url, 'ops'));
      const main = (await http('GET', `${narrow.url}/api/v2/trees/main`, undefined, ops)).body.reference;
      for (const name of ['team/a', 'secret']) {
        const r = await http(
          'POST',
          `${narrow.url}/api/v2/trees?name=${encodeURIComponent(name)}&type=BRANCH`,
          main,
          ops,
        );
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
      const names = async (token: string) =>
        (await http('GET', `${narrow.url}/api/v2/trees`, undefined, bearer(token))).body.references.map(
          (r: { name: string }) => r.name,
        );
      assert.deepEqual(await names(await tokenFor(narrow.url, 'bi')), ['main', 'team/a']);
      assert.deepEqual(await names(await tokenFor(narrow.url, 'ops')), ['main', 'secret', 'team/a']);
      const hidden = await http(
        'GET',
        `${narrow.url}/api/v2/trees/secret`,
        undefined,
        bearer(await tokenFor(narrow.url, 'bi')),
      );
      assert.equal(hidden.status, 403);
    } finally {
      await narrow.stop();
    }
  });

  it('rat commands authenticate with RAT_CLIENT_ID/RAT_CLIENT_SECRET or RAT_TOKEN; rat log shows the principal', async () => {
    const cwd = server.dataDir;
    const as = (id: 'etl' | 'bi') => ({ RAT_CLIENT_ID: id, RAT_CLIENT_SECRET: SECRETS[id], RAT_TOKEN: '' });
    const anonymous = await runRat(cwd, ['branch', 'list', '--server', server.url], {
      RAT_TOKEN: '',
      RAT_CLIENT_ID: '',
    });
    assert.equal(anonymous.code, 1, anonymous.out);
    const refused = await runRat(cwd, ['branch', 'create', 'by-bi', '--server', server.url], as('bi'));
    assert.equal(refused.code, 1, refused.out);
    const created = await runRat(cwd, ['branch', 'create', 'by-etl', '--server', server.url], as('etl'));
    assert.equal(created.code, 0, created.out);
    const listed = await runRat(cwd, ['branch', 'list', '--json', '--server', server.url], {
      RAT_TOKEN: tokens['bi']!,
    });
    assert.equal(listed.code, 0, listed.out);
    assert.ok(JSON.parse(listed.out).some((r: { name: string }) => r.name === 'by-etl'));
    const wrongSecret = await runRat(cwd, ['branch', 'list', '--server', server.url], {
      RAT_CLIENT_ID: 'etl',
      RAT_CLIENT_SECRET: 'wrong',
      RAT_TOKEN: '',
    });
    assert.equal(wrongSecret.code, 1, wrongSecret.out);
    const log = await runRat(cwd, ['log', 'main', '--json', '--server', server.url], as('bi'));
    assert.equal(log.code, 0, log.out);
    assert.ok(log.out.includes('"rel"'), 'the merge by the releaser shows its principal');
  });
});
