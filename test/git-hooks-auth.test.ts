/**
 * The git hooks against a catalog with auth on: they authenticate with RAT_TOKEN or RAT_CLIENT_ID/RAT_CLIENT_SECRET
 * from the environment git runs them in, as every client of ours does.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { SECRETS, TEAM_AUTH, bearer, tokenFor, useAuthEnv } from './support/auth.ts';
import { Repo, run } from './git-support.ts';
import { RAT_BIN } from './support/rat-cli.ts';
import { ensurePythonVenv } from './support/clients/index.ts';

describe('git hooks with auth on', function () {
  this.timeout(300_000);
  let server: TestServer;
  let repo: Repo;
  let ops: Record<string, string>;
  // git runs the hooks with this process's environment: the credentials go there.
  const credentials = useAuthEnv();
  const head = async (ref: string) =>
    (await http('GET', `${server.url}/api/v2/trees/${encodeURIComponent(ref)}`, undefined, ops)).body?.reference
      ?.hash as string | undefined;
  const link = async (sha: string) => (await http('GET', `${server.url}/api/v2/git/links/${sha}`, undefined, ops)).body;

  before(async () => {
    server = await startTestServer({ auth: TEAM_AUTH });
    ops = bearer(await tokenFor(server.url, 'ops'));
    repo = await Repo.create();
  });
  after(async () => {
    await server?.stop();
    if (repo) rmSync(repo.dir, { recursive: true, force: true });
  });

  it('with RAT_TOKEN (admin): rat init and the first commit link main', async () => {
    credentials({ RAT_TOKEN: await tokenFor(server.url, 'ops') });
    const init = await repo.rat(['init', '--server', server.url]);
    assert.equal(init.code, 0, init.stderr);
    await repo.ok('add', 'rat.yaml');
    await repo.ok('commit', '-q', '-m', 'rat init');
    assert.equal((await link(await repo.head())).dataRef, 'main');
  });

  it('with RAT_CLIENT_ID/RAT_CLIENT_SECRET (writer): checkout -b creates the data branch, commits link it', async () => {
    credentials({ RAT_CLIENT_ID: 'etl', RAT_CLIENT_SECRET: SECRETS.etl });
    await repo.ok('checkout', '-q', '-b', 'feature');
    assert.equal(await head('feature'), await head('main'));
    await repo.commitFile('a.txt', 'a');
    assert.equal((await link(await repo.head())).dataRef, 'feature');
  });

  it('without credentials the hook is refused (401), git goes ahead and the step is journaled for rat sync', async () => {
    credentials({});
    const r = await repo.ok('checkout', '-q', '-b', 'anonymous');
    assert.match(r.stderr, /401/);
    assert.equal(await head('anonymous'), undefined);
    credentials({ RAT_CLIENT_ID: 'etl', RAT_CLIENT_SECRET: SECRETS.etl });
    const sync = await repo.rat(['sync']);
    assert.equal(sync.code, 0, sync.stderr);
    assert.equal(await head('anonymous'), await head('main'));
  });

  it('eval "$(rat env)" gives PyIceberg the credential by reference, and PyIceberg connects with it', async () => {
    credentials({ RAT_CLIENT_ID: 'etl', RAT_CLIENT_SECRET: SECRETS.etl });
    await repo.ok('checkout', '-q', 'feature');
    const printed = await repo.rat(['env']);
    assert.equal(printed.code, 0, printed.stderr);
    assert.ok(!printed.stdout.includes(SECRETS.etl), 'the secret is never printed');
    const { python } = await ensurePythonVenv();
    const script = `eval "$(${JSON.stringify(process.execPath)} ${JSON.stringify(RAT_BIN)} env)" && ${JSON.stringify(python)} -c ${JSON.stringify(
      'from pyiceberg.catalog import load_catalog; c = load_catalog("rat"); c.create_namespace("from_env"); print(c.list_namespaces())',
    )}`;
    const r = await run('bash', ['-c', script], { cwd: repo.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /from_env/);
  });
  it("a writer cannot re-point main's code commit at other data, nor link a commit that is not on the data branch", async () => {
    const initSha = (await repo.ok('rev-list', '--max-parents=0', 'HEAD')).stdout.trim();
    assert.equal((await link(initSha)).dataRef, 'main');
    const etl = bearer(await tokenFor(server.url, 'etl'));
    const feature = await head('feature');
    const put = (sha: string, body: unknown) => http('PUT', `${server.url}/api/v2/git/links/${sha}`, body, etl);
    const takeover = await put(initSha, { dataRef: 'feature', dataHash: feature });
    assert.equal(takeover.status, 403, JSON.stringify(takeover.body));
    assert.equal((await link(initSha)).dataRef, 'main');
    // A commit on another branch only: not on feature's history.
    const side = await http('POST', `${server.url}/iceberg/anonymous/v1/namespaces`, { namespace: ['side'] }, ops);
    assert.equal(side.status, 200, JSON.stringify(side.body));
    const foreign = await put('feedbeef'.repeat(5), { dataRef: 'feature', dataHash: await head('anonymous') });
    assert.equal(foreign.status, 400, JSON.stringify(foreign.body));
  });
});
