/**
 * A monorepo whose rat project lives below the git root (`analytics/rat.yaml`): `rat init` there makes the hooks
 * (which git runs at the root) follow it, commands anywhere inside it find it by walking up, only its own folder's
 * edits make a run's code uncommitted, and with a second project the hooks follow the one `rat.project` names. Real
 * git, the installed hooks, the `rat` CLI and a real server, with `examples/shop` as the data project.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Catalog, Repo } from './git-support.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { query, ratOk } from './git-team-support.ts';

const shop = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'shop');

describe('a rat project in a subfolder of the git repository (real git, real server)', function () {
  this.timeout(600_000);
  let server: TestServer;
  let catalog: Catalog;
  let root: Repo;
  let analytics: Repo;

  before(async () => {
    server = await startTestServer();
    catalog = new Catalog(server.url);
    root = await Repo.create('rat-subfolder-');
    cpSync(shop, path.join(root.dir, 'analytics'), { recursive: true });
    mkdirSync(path.join(root.dir, 'web'));
    writeFileSync(path.join(root.dir, 'web', 'app.js'), 'console.log("shop front");\n');
    analytics = new Repo(path.join(root.dir, 'analytics'));
  });
  after(async () => {
    await server?.stop();
    if (root) rmSync(root.dir, { recursive: true, force: true });
  });

  it('rat init in analytics/ keeps its rat.yaml there and makes the hooks follow it', async () => {
    const r = await ratOk(analytics, ['init', '--server', server.url]);
    assert.match(r.stdout, /analytics\/rat\.yaml/);
    assert.match(r.stdout, /the hooks follow the rat project in analytics\/ \(git config rat\.project\)/);
    assert.equal((await root.ok('config', 'rat.project')).stdout.trim(), 'analytics');
    await root.ok('add', '.');
    await root.ok('commit', '-q', '-m', 'analytics project');
    assert.ok(await catalog.head('main'));
  });

  it('rat run in a folder of the project runs its pipelines; an edit outside it is not the run’s code', async () => {
    writeFileSync(path.join(root.dir, 'web', 'app.js'), 'console.log("new shop front");\n');
    const r = await ratOk(new Repo(path.join(analytics.dir, 'gold')), ['run']);
    assert.doesNotMatch(r.stderr, /uncommitted changes/);
    const sha = await root.head();
    assert.equal((await catalog.link(sha))?.dataHash, await catalog.head('main'));
    const rows = await query(server, 'main', 'SELECT count(*) AS n FROM gold.daily_revenue');
    assert.ok(Number(rows[0]!.n) > 0);
    await root.ok('checkout', '-q', '--', 'web/app.js');
  });

  it('git checkout -b at the root forks the data branch; rat status at the root reads the followed project', async () => {
    const co = await root.ok('checkout', '-b', 'feat');
    assert.match(co.stderr, /data branch "feat" created from the data head of "main"/);
    assert.equal(await catalog.head('feat'), await catalog.head('main'));
    await root.commitFile('web/app.js', 'console.log("feat");\n');
    assert.equal((await catalog.link(await root.head()))?.dataRef, 'feat', 'post-commit at the root recorded it');
    const s = await ratOk(root, ['status']);
    assert.match(s.stdout, /feat/);
  });

  it('a second project: commands inside it read its own rat.yaml; the hooks follow the one rat.project names', async () => {
    const second = new Repo(path.join(root.dir, 'second'));
    mkdirSync(second.dir);
    writeFileSync(
      path.join(second.dir, 'rat.yaml'),
      `catalog:\n  url: ${server.url}\nbranches:\n  prefix: "second/"\n  unprefixed: []\n`,
    );
    await root.commitFile('second/README.md', 'second project\n');
    const env = JSON.parse((await ratOk(second, ['env', '--format', 'json'])).stdout) as { ref: string };
    assert.equal(env.ref, 'second/feat', "second/rat.yaml's mapping");
    await root.ok('checkout', '-b', 'feat2');
    assert.ok(await catalog.head('feat2'), 'the hooks still follow analytics/');
    assert.equal(await catalog.head('second/feat2'), undefined);
    const sync = await second.rat(['sync']);
    assert.equal(sync.code, 1, 'rat sync would mix second/ into the state of analytics/');
    assert.match(sync.stderr, /rat sync keeps in step the rat project the hooks follow \(analytics\/\), not second\//);

    const install = await ratOk(second, ['hooks', 'install']);
    assert.match(install.stdout, /follow the rat project in second\/ .*no longer analytics\//);
    await root.ok('checkout', '-b', 'feat3');
    assert.ok(await catalog.head('second/feat3'), 'now the hooks follow second/');
    assert.equal(await catalog.head('feat3'), undefined);
  });
});
