/**
 * The "realistic day" of issue 5, end to end: a temp repository, the real git binary running the installed hooks,
 * the `rat` CLI, a real catalog server, and PyIceberg writing and reading tables through `rat env`. It runs twice:
 * on a loopback catalog without auth, and on one with auth on where every client of ours (the `rat` commands, the
 * hooks git runs, PyIceberg through `rat env`) authenticates with `RAT_TOKEN`.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashSecret, startServer, type AuthConfigInput, type RunningServer } from '@ratatouille/catalog-server';
import { ensurePythonVenv } from './support/clients/index.ts';
import { Catalog, Repo, run } from './git-support.ts';
import { SECRETS, bearer, tokenFor, useAuthEnv } from './support/auth.ts';

const SECRET = 'day-secret';

/** One developer who may do all the day does: commit anywhere (nothing protected), merge, create and delete refs. */
const DAY_AUTH: AuthConfigInput = {
  clients: [{ id: 'etl', 'secret-sha256': hashSecret(SECRETS.etl), roles: ['developer'] }],
  roles: { developer: [{ refs: ['*'], allow: ['read', 'write', 'merge'] }] },
  protected: [],
};

/** What `eval "$(rat env)"` does to the `${RAT_…}` references `rat env` prints for credentials. */
const expand = (v: string) => v.replace(/\$\{(\w+)\}/g, (_, k: string) => process.env[k] ?? '');

const VARIANTS = [
  { name: 'without auth', auth: undefined },
  { name: 'with auth on and RAT_TOKEN', auth: DAY_AUTH },
];

/** A few PyIceberg operations against the catalog named by the `PYICEBERG_*` variables `rat env` prints. */
const PY = `
import json, sys
import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.exceptions import NamespaceAlreadyExistsError
cat = load_catalog("rat")
op, ident = sys.argv[1], sys.argv[2]
if op == "create":
    try:
        cat.create_namespace(ident.split(".")[0])
    except NamespaceAlreadyExistsError:
        pass
    t = cat.create_table(ident, schema=pa.schema([pa.field("id", pa.int64()), pa.field("v", pa.string())]))
    t.append(pa.table({"id": pa.array([1, 2, 3], pa.int64()), "v": ["a", "b", "c"]}))
elif op == "append":
    t = cat.load_table(ident)
    t.append(pa.table({"id": pa.array([int(sys.argv[3])], pa.int64()), "v": ["x"]}))
elif op == "overwrite":
    t = cat.load_table(ident)
    t.overwrite(pa.table({"id": pa.array([int(sys.argv[3])], pa.int64()), "v": ["o"]}))
elif op == "count":
    print(json.dumps(cat.load_table(ident).scan().to_arrow().num_rows))
`;

for (const variant of VARIANTS) {
  describe(`git lockstep: a realistic day (real git, real server, PyIceberg) ${variant.name}`, function () {
    this.timeout(600_000);
    // git runs the hooks with this process's environment, and so do the `rat` commands: the token goes there.
    const credentials = useAuthEnv();
    let token: string | undefined;
    let server: RunningServer;
    let dataDir: string;
    let port: number;
    let catalog: Catalog;
    let repo: Repo;
    let python: string;
    let script: string;

    const startCatalog = async () => {
      server = await startServer({
        dataDir,
        host: '127.0.0.1',
        port,
        webhookSecret: SECRET,
        logLevel: 'warn',
        auth: variant.auth,
      });
      port = server.port;
      if (variant.auth) token ??= await tokenFor(server.url, 'etl');
      catalog = new Catalog(server.url, token ? bearer(token) : {});
      credentials(token ? { RAT_TOKEN: token } : {});
    };

    /** Runs the PyIceberg script with the connection settings `rat env` gives for the checked-out code. */
    const py = async (...args: string[]) => {
      const env = await repo.rat(['env', '--format', 'json']);
      assert.equal(env.code, 0, env.stderr);
      const settings = JSON.parse(env.stdout) as { pyiceberg: Record<string, string> };
      const pyEnv = Object.fromEntries(Object.entries(settings.pyiceberg).map(([k, v]) => [k, expand(v)]));
      const r = await run(python, [script, ...args], { cwd: repo.dir, env: pyEnv });
      assert.equal(r.code, 0, `pyiceberg ${args.join(' ')} failed:\n${r.stderr}`);
      return r.stdout.trim();
    };

    before(async () => {
      python = (await ensurePythonVenv()).python;
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'rat-day-server-'));
      script = path.join(dataDir, 'client.py');
      writeFileSync(script, PY);
      port = 0;
      await startCatalog();
      repo = await Repo.create();
    });
    after(async () => {
      await server?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (repo) rmSync(repo.dir, { recursive: true, force: true });
    });

    let featureCommit: string;
    let featureCommitData: string;

    it('rat init writes the config and installs the hooks; twice is harmless', async () => {
      const first = await repo.rat(['init', '--server', server.url]);
      assert.equal(first.code, 0, first.stderr);
      assert.ok(existsSync(path.join(repo.dir, 'rat.yaml')));
      const hook = path.join(repo.dir, '.git', 'hooks', 'post-checkout');
      const before = readFileSync(hook, 'utf8');
      const second = await repo.rat(['init', '--server', server.url]);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(readFileSync(hook, 'utf8'), before);
      await repo.ok('add', 'rat.yaml');
      await repo.ok('commit', '-q', '-m', 'rat init');
      assert.equal((await catalog.link(await repo.head()))?.dataRef, 'main');
    });

    it('checkout -b feature creates data branch feature from main', async () => {
      await repo.ok('checkout', '-b', 'feature');
      assert.equal(await catalog.head('feature'), await catalog.head('main'));
    });

    it('a table written on feature through PyIceberg (via rat env) is recorded by the next commit', async () => {
      await py('create', 'db.orders');
      assert.deepEqual(await catalog.tables('feature'), ['db.orders']);
      await repo.commitFile('orders.sql', 'select * from db.orders\n', 'add orders pipeline');
      featureCommit = await repo.head();
      featureCommitData = (await catalog.head('feature'))!;
      const link = await catalog.link(featureCommit);
      assert.deepEqual([link?.dataRef, link?.dataHash], ['feature', featureCommitData]);
    });

    it('checkout main: no table there', async () => {
      await repo.ok('checkout', 'main');
      assert.deepEqual(await catalog.tables('main'), []);
    });

    it('merge feature: the table appears on main in one catalog commit carrying the merge sha', async () => {
      const before = await catalog.history('main');
      await repo.ok('merge', '--no-ff', '--no-edit', 'feature');
      const mergeSha = await repo.head();
      const after = await catalog.history('main');
      assert.equal(after.length, before.length + 1);
      assert.equal(after[0].properties['rat.git.merge-commit'], mergeSha);
      // With auth on, the hook's merge is recorded as the token's client.
      assert.equal(after[0].properties['rat.principal'], variant.auth ? 'etl' : undefined);
      assert.deepEqual(await catalog.tables('main'), ['db.orders']);
      assert.equal(await py('count', 'db.orders'), '3');
      assert.equal((await catalog.link(mergeSha))?.dataHash, after[0].hash);
    });

    it('a conflicting change on two branches stops the merge and leaves the data untouched', async () => {
      // Both branches replace every row: unlike two appends, these cannot both be replayed.
      await repo.ok('checkout', '-b', 'conflicting');
      await py('overwrite', 'db.orders', '10');
      await repo.commitFile('c.txt', 'c\n');
      await repo.ok('checkout', 'main');
      await py('overwrite', 'db.orders', '20');
      await repo.commitFile('m.txt', 'm\n');
      const headBefore = await repo.head();
      const dataBefore = await catalog.head('main');
      const r = await repo.git('merge', '--no-ff', '--no-edit', 'conflicting');
      assert.notEqual(r.code, 0, 'the merge must be stopped');
      assert.match(r.stderr, /db\.orders/, 'the message names the conflicting table');
      assert.equal(await repo.head(), headBefore, 'no merge commit was written');
      assert.equal(await catalog.head('main'), dataBefore, 'the data is untouched');
      await repo.ok('merge', '--abort');
    });

    it('fast-forward merge brings the data along; branch -d deletes the data branch', async () => {
      await repo.ok('checkout', '-b', 'ff');
      await py('create', 'db.customers');
      await repo.commitFile('customers.sql', 'select 1\n');
      await repo.ok('checkout', 'main');
      const r = await repo.ok('merge', '--ff-only', 'ff');
      assert.match(r.stdout, /Fast-forward/);
      assert.deepEqual(await catalog.tables('main'), ['db.customers', 'db.orders']);
      await repo.ok('branch', '-d', 'ff');
      assert.equal(await catalog.head('ff'), undefined);
    });

    it('git tag v1 tags the data head of main', async () => {
      await repo.ok('tag', 'v1');
      const tag = await catalog.ref('v1');
      assert.equal(tag?.type, 'TAG');
      assert.equal(tag?.hash, await catalog.head('main'));
    });

    it('a detached checkout of an old commit reads the data it recorded, read-only', async () => {
      await repo.ok('checkout', '-q', featureCommit);
      const env = JSON.parse((await repo.rat(['env', '--format', 'json'])).stdout);
      assert.equal(env.readOnly, true);
      assert.equal(env.ref, `feature@${featureCommitData}`);
      assert.equal(await py('count', 'db.orders'), '3', 'old data: before the overwrites of the conflict step');
      await repo.ok('checkout', '-q', 'main');
    });

    it('webhook: a merged pull request merges the data; bad signature 401 changes nothing; replay is a no-op', async () => {
      await repo.ok('checkout', '-b', 'remote-feature');
      await py('create', 'db.returns');
      await repo.commitFile('returns.sql', 'select 2\n');
      await repo.ok('checkout', 'main');
      const mainBefore = await catalog.head('main');
      const payload = JSON.stringify({
        action: 'closed',
        number: 7,
        pull_request: {
          number: 7,
          merged: true,
          head: { ref: 'remote-feature' },
          base: { ref: 'main' },
          merge_commit_sha: 'c0ffee'.padEnd(40, '0'),
        },
      });
      const headers = (sig: string) => ({
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': 'delivery-1',
        'x-hub-signature-256': sig,
      });
      const good = 'sha256=' + createHmac('sha256', SECRET).update(payload).digest('hex');
      const bad = 'sha256=' + createHmac('sha256', 'wrong').update(payload).digest('hex');

      const refused = await catalog.call('POST', '/webhooks/github', payload, headers(bad));
      assert.equal(refused.status, 401);
      assert.equal(await catalog.head('main'), mainBefore);

      const merged = await catalog.call('POST', '/webhooks/github', payload, headers(good));
      assert.equal(merged.status, 200);
      assert.equal(merged.body.status, 'merged');
      assert.deepEqual(await catalog.tables('main'), ['db.customers', 'db.orders', 'db.returns']);
      const afterMerge = await catalog.head('main');

      const replay = await catalog.call('POST', '/webhooks/github', payload, headers(good));
      assert.equal(replay.status, 200);
      assert.equal(replay.body.status, 'replayed');
      assert.equal(await catalog.head('main'), afterMerge);
    });

    it('server down during checkout: git proceeds, the step is journaled, rat sync heals', async () => {
      await server.close();
      const r = await repo.git('checkout', '-b', 'offline');
      assert.equal(r.code, 0, 'checkout must succeed without the server');
      assert.equal((await repo.ok('symbolic-ref', '--short', 'HEAD')).stdout.trim(), 'offline');
      const journal = path.join(repo.dir, '.git', 'rat', 'journal.jsonl');
      assert.match(readFileSync(journal, 'utf8'), /"kind":"ensure-branch"/);

      await startCatalog();
      assert.equal(await catalog.head('offline'), undefined);
      const sync = await repo.rat(['sync']);
      assert.equal(sync.code, 0, sync.stderr);
      assert.equal(await catalog.head('offline'), await catalog.head('main'));
      assert.equal(readFileSync(journal, 'utf8').trim(), '');
      const status = JSON.parse((await repo.rat(['status', '--json'])).stdout);
      assert.equal(status.inStep, true, JSON.stringify(status.problems));
    });
  });
}
