/**
 * Merges and transplants by roles whose rules name namespaces, over HTTP: such a caller merges what lies inside its
 * namespaces, key by key (each key the source changed, in its namespace, on the target and the source), and a merge
 * that reaches beyond them is refused whole, dry runs too, with nothing written. Into a protected branch it needs
 * `merge` there, not `write`. A revert (`history/revert`) is checked key by key the same way, as a commit.
 */
import assert from 'node:assert/strict';
import { hashSecret, type AuthConfigInput } from '@ratatouille/catalog-server';
import { startTestServer, type TestServer } from './support/server.ts';
import { asClients } from './support/auth.ts';
import { schema } from './support/iceberg-http.ts';

const SECRET = 'merge-secret';
const client = (id: string, ...roles: string[]) => ({ id, 'secret-sha256': hashSecret(SECRET), roles });
const SALES = ['sales', 'sales.*'];

/** `team` writes sales on main, dev, its own branches and protected `release`; `shipper` merges sales into `release`. */
const AUTH: AuthConfigInput = {
  clients: [client('ops', 'admin'), client('team', 'team'), client('shipper', 'shipper')],
  roles: {
    admin: [{ refs: ['*'], allow: ['admin'] }],
    team: [{ refs: ['main', 'dev', 'team/*', 'release'], namespaces: SALES, allow: ['read', 'write'] }],
    shipper: [{ refs: ['release', 'team/*'], namespaces: SALES, allow: ['read', 'merge'] }],
  },
  protected: ['release'],
};

describe('auth: merges key by key for namespace-restricted roles', function () {
  this.timeout(60_000);
  let server: TestServer;
  const { ice, api, as, signIn } = asClients(() => server.url);
  const head = async (ref: string) =>
    (await as('ops', 'GET', api(`/trees/${encodeURIComponent(ref)}`))).body.reference.hash as string;
  const createTable = async (ns: string, name: string, ref: string, who = 'ops') => {
    const r = await as(who, 'POST', ice(`/namespaces/${ns}/tables`, ref), { name, schema });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const branch = async (name: string, from = 'main') => {
    const r = await as('ops', 'POST', api(`/trees?name=${encodeURIComponent(name)}&type=BRANCH`), {
      type: 'BRANCH',
      name: from,
      hash: await head(from),
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const merge = async (who: string, from: string, into = 'main', extra: Record<string, unknown> = {}) =>
    as(who, 'POST', api(`/trees/${encodeURIComponent(into)}@${await head(into)}/history/merge`), {
      fromRefName: from,
      fromHash: await head(from),
      ...extra,
    });
  const transplant = async (who: string, from: string, into = 'main') =>
    as(who, 'POST', api(`/trees/${encodeURIComponent(into)}@${await head(into)}/history/transplant`), {
      fromRefName: from,
      hashesToTransplant: [await head(from)],
    });
  const exists = async (ns: string, t: string, ref = 'main') =>
    (await as('ops', 'HEAD', ice(`/namespaces/${ns}/tables/${t}`, ref))).status === 204;
  const refused = (r: { status: number; body: any }, what: string, namespace?: string, permission?: string) => {
    assert.equal(r.status, 403, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
    assert.equal(r.body.errorCode, 'FORBIDDEN', what);
    if (namespace) assert.match(r.body.message, new RegExp(`namespace "${namespace}"`), what);
    if (permission) assert.match(r.body.message, new RegExp(`"${permission}" permission`), what);
  };

  before(async () => {
    server = await startTestServer({ auth: AUTH });
    await signIn(['ops', 'team', 'shipper'], SECRET);
    for (const ns of ['sales', 'hr']) {
      assert.equal((await as('ops', 'POST', ice('/namespaces'), { namespace: [ns] })).status, 200);
    }
    await createTable('sales', 'orders', 'main');
    await branch('dev');
    await branch('release');
    await createTable('sales', 'fresh', 'dev');
    await createTable('hr', 'bonus', 'dev');
  });
  after(async () => server?.stop());

  it('refuses a merge whose source changed a namespace outside the rules, dry runs too, and merges nothing', async () => {
    const before = await head('main');
    refused(await merge('team', 'dev'), 'merge of dev', 'hr', 'merge');
    refused(await merge('team', 'dev', 'main', { dryRun: true }), 'dry run of dev', 'hr');
    assert.equal(await head('main'), before, 'nothing merged');
    assert.equal(await exists('sales', 'fresh'), false);
  });

  it('merges and transplants a branch that changed only its namespaces', async () => {
    await branch('team/a');
    await createTable('sales', 'team_t', 'team/a', 'team');
    const dry = await merge('team', 'team/a', 'main', { dryRun: true });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(await exists('sales', 'team_t'), false, 'a dry run writes nothing');
    const merged = await merge('team', 'team/a');
    assert.equal(merged.status, 200, JSON.stringify(merged.body));
    assert.ok(await exists('sales', 'team_t'));
    await createTable('sales', 'team_u', 'team/a', 'team');
    const picked = await transplant('team', 'team/a');
    assert.equal(picked.status, 200, JSON.stringify(picked.body));
    assert.ok(await exists('sales', 'team_u'));
  });

  it("refuses the team's branch once it holds someone else's namespace, merge and transplant alike", async () => {
    await createTable('hr', 'leak', 'team/a');
    const before = await head('main');
    refused(await merge('team', 'team/a'), 'merge with an hr table', 'hr');
    refused(await transplant('team', 'team/a'), 'transplant of the hr commit', 'hr');
    assert.equal(await head('main'), before, 'nothing written');
    assert.equal(await exists('hr', 'leak'), false);
  });

  it('into a protected branch: `merge` in the namespace, which `write` is not', async () => {
    await branch('team/b', 'release');
    await createTable('sales', 'shipped', 'team/b', 'team');
    refused(await merge('team', 'team/b', 'release'), 'a writer into protected release', undefined, 'merge');
    const shipped = await merge('shipper', 'team/b', 'release');
    assert.equal(shipped.status, 200, JSON.stringify(shipped.body));
    assert.ok(await exists('sales', 'shipped', 'release'));
  });

  it('reverts like a commit: key by key inside its namespaces, never on a protected branch', async () => {
    const revert = async (who: string, ref: string, hash: string) =>
      as(who, 'POST', api(`/trees/${encodeURIComponent(ref)}@${await head(ref)}/history/revert`), { hash });
    await branch('team/r');
    await createTable('sales', 'undo_me', 'team/r', 'team');
    const mine = await head('team/r');
    await createTable('hr', 'theirs', 'team/r');
    const theirs = await head('team/r');
    refused(await revert('team', 'team/r', theirs), 'revert of an hr commit', 'hr');
    assert.equal(await exists('hr', 'theirs', 'team/r'), true, 'nothing reverted');
    const undone = await revert('team', 'team/r', mine);
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    assert.equal(await exists('sales', 'undo_me', 'team/r'), false);
    // release changes by merge only: neither its writer nor its merger reverts there.
    const merged = await head('release');
    refused(await revert('team', 'release', merged), 'a writer on protected release');
    const byMerger = await revert('shipper', 'release', merged);
    refused(byMerger, 'a merger on protected release');
    assert.match(byMerger.body.message, /protected branch: direct commits are refused/);
    assert.equal(await head('release'), merged);
  });
});
