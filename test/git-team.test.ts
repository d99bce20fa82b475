/**
 * Lockstep edge cases a team runs into, with the real git binary, the installed hooks and a real server: a new code
 * branch whose data branch already exists, and `rat init` against another catalog.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestServer } from './support/server.ts';
import { useLockstepRepo, type Catalog, type Repo } from './git-support.ts';

describe('git lockstep in a team: edge cases (real git, real server)', function () {
  this.timeout(600_000);
  const t = useLockstepRepo();
  let server: TestServer;
  let catalog: Catalog;
  let repo: Repo;
  before(() => ({ server, catalog, repo } = t));

  /** A data branch made by hand from main, with a change of its own: what an old or hand-made branch looks like. */
  async function staleDataBranch(name: string): Promise<string> {
    const main = await catalog.ref('main');
    const r = await catalog.call('POST', `/api/v2/trees?name=${name}&type=BRANCH`, main);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return catalog.putTable(name, 'db.old', `file:///${name}-old.json`);
  }

  it('git checkout -b X with a data branch X already there: loud, untouched, out of step until decided (on_existing: fail)', async () => {
    const stale = await staleDataBranch('x');
    const co = await repo.ok('checkout', '-b', 'x');
    assert.match(co.stderr, /data branch "x" already existed/);
    assert.match(co.stderr, /rat sync --existing reset/);
    assert.equal(await catalog.head('x'), stale, 'the old data is not silently tied to nor overwritten');

    const status = await repo.rat(['status']);
    assert.equal(status.code, 1, status.stdout);
    assert.match(status.stdout, /--existing/);
    const runOnStale = await repo.rat(['run']);
    assert.equal(runOnStale.code, 1, "rat run does not write new code's results onto old data");
    assert.match(runOnStale.stderr, /rat sync --existing reuse/);
    const sync = await repo.rat(['sync']);
    assert.equal(sync.code, 1, 'rat sync alone waits for the decision');
    assert.equal(await catalog.head('x'), stale);
    // The decision is x's: on main, status and sync are not held up by it (sync still warns).
    // (Hooks off for the way there and back: the point is only where status and sync run.)
    await repo.ok('-c', 'core.hooksPath=/dev/null', 'checkout', 'main');
    const mainStatus = await repo.rat(['status']);
    assert.equal(mainStatus.code, 0, mainStatus.stdout);
    const mainSync = await repo.rat(['sync']);
    assert.equal(mainSync.code, 0, mainSync.stderr);
    assert.match(mainSync.stderr, /data branch of "x" existed before the code branch/);
    // Back on x with the hooks on: still the one decision pending, not a second one.
    await repo.ok('checkout', 'x');
    assert.equal(await catalog.head('x'), stale);

    const reset = await repo.rat(['sync', '--existing', 'reset']);
    assert.equal(reset.code, 0, reset.stderr);
    assert.equal(await catalog.head('x'), await catalog.head('main'), 'forked again from the data it came from');
    assert.equal(await catalog.head(`archive/x-${stale.slice(0, 12)}`), stale, 'the old head is kept as a tag');
    assert.equal((await repo.rat(['status'])).code, 0);
  });

  it('on_existing: reuse keeps the existing data branch and says so; reset forks it again at checkout', async () => {
    const cfg = path.join(repo.dir, 'rat.yaml');
    const original = readFileSync(cfg, 'utf8');
    try {
      await repo.ok('checkout', 'main');
      writeFileSync(cfg, original.replace(/^on_existing: .*$/m, 'on_existing: reuse'));
      const stale = await staleDataBranch('y');
      const co = await repo.ok('checkout', '-b', 'y');
      assert.match(co.stderr, /already existed/);
      assert.equal(await catalog.head('y'), stale);
      assert.equal((await repo.rat(['status'])).code, 0);

      await repo.ok('checkout', 'main');
      writeFileSync(cfg, original.replace(/^on_existing: .*$/m, 'on_existing: reset'));
      const staleZ = await staleDataBranch('z');
      await repo.ok('checkout', '-b', 'z');
      assert.equal(await catalog.head('z'), await catalog.head('main'));
      assert.equal(await catalog.head(`archive/z-${staleZ.slice(0, 12)}`), staleZ);
    } finally {
      writeFileSync(cfg, original);
      await repo.ok('checkout', 'main');
    }
  });

  it('rat init --server with another URL than rat.yaml changes it (and says so); without it rat.yaml is kept', async () => {
    const cfg = path.join(repo.dir, 'rat.yaml');
    const original = readFileSync(cfg, 'utf8');
    try {
      const kept = await repo.rat(['init', '--no-hooks']);
      assert.match(kept.stdout, new RegExp(`kept existing rat.yaml \\(catalog ${server.url}`));
      const other = 'http://127.0.0.1:1';
      const changed = await repo.rat(['init', '--no-hooks', '--server', other]);
      assert.match(changed.stdout, /catalog\.url changed/);
      // The old flag name still works, with a warning.
      const old = await repo.rat(['init', '--no-hooks', '--catalog', server.url]);
      assert.match(old.stderr, /--catalog is deprecated; use --server/);
      assert.match(old.stdout, /catalog\.url changed/);
      assert.equal((await repo.rat(['init', '--no-hooks', '--server', other])).code, 0);
      const text = readFileSync(cfg, 'utf8');
      assert.match(text, /url: "http:\/\/127\.0\.0\.1:1"/);
      assert.match(text, /^on_existing: fail$/m, 'the rest of the file is kept');
    } finally {
      writeFileSync(cfg, original);
    }
  });
});
