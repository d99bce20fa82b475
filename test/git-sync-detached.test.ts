/**
 * `rat sync` and `rat status` in a detached checkout, as CI checks out a forge merge: sync refuses to say "in step"
 * when it has no branch to merge into and names the two ways out; `--into` names that branch; status says when the
 * data it shows is only the nearest recorded ancestor's. Real git (a clone), the `rat` CLI and a real server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Repo, run, useLockstepRepo } from './git-support.ts';

describe('rat sync and rat status on a detached CI checkout of a forge merge (real git, real server)', function () {
  this.timeout(120_000);
  const t = useLockstepRepo({ prefix: 'rat-sync-detached-' });
  let parent: string;
  let ci: Repo;
  let mergeSha: string;

  before(async () => {
    const { repo, catalog } = t;
    await repo.ok('checkout', '-q', '-b', 'feat-p');
    await repo.commitFile('p.txt', 'p\n');
    await catalog.putTable('feat-p', 'db.p', 'file:///nowhere/db/p/metadata/00000.metadata.json');
    await repo.ok('checkout', '-q', 'main');
    // The forge's merge button: no hook runs.
    const m = await run('git', ['merge', '-q', '--no-ff', 'feat-p', '-m', 'Merge pull request #13 from org/feat-p'], {
      cwd: repo.dir,
      env: { RAT_SKIP_HOOKS: '1' },
    });
    assert.equal(m.code, 0, m.stderr);
    mergeSha = await repo.head();
    parent = mkdtempSync(path.join(os.tmpdir(), 'rat-sync-detached-ci-'));
    const cloned = await run('git', ['clone', '-q', repo.dir, 'ci'], { cwd: parent });
    assert.equal(cloned.code, 0, cloned.stderr);
    ci = new Repo(path.join(parent, 'ci'));
    await ci.ok('checkout', '-q', '--detach');
  });

  after(() => {
    if (parent) rmSync(parent, { recursive: true, force: true });
  });

  it('rat status says the data shown is only the nearest recorded ancestor', async () => {
    const s = await ci.rat(['status']);
    assert.match(
      s.stdout,
      new RegExp(`note: +approximate: no data was recorded for ${mergeSha.slice(0, 12)}: showing its nearest recorded`),
    );
    const json = JSON.parse((await ci.rat(['status', '--json'])).stdout) as { data: { approximate: boolean } };
    assert.equal(json.data.approximate, true);
  });

  it('rat sync merges nothing, says it needs a branch and how, and exits 1', async () => {
    const r = await ci.rat(['sync']);
    assert.equal(r.code, 1, r.stdout);
    assert.doesNotMatch(r.stdout, /in step/);
    assert.match(
      r.stderr,
      /HEAD is detached at \w{12}: rat sync merges data into a branch and has none to merge into\. Sync on the branch \(`git checkout main && rat sync`\) or name it \(`rat sync --into main`\)\./,
    );
    const json = await ci.rat(['sync', '--json']);
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stdout).error.code, 'DETACHED_HEAD');
    const merged = await ci.rat(['sync', '--merged', 'feat-p']);
    assert.equal(merged.code, 1);
    assert.match(merged.stderr, /`rat sync --merged feat-p --into main`/);
    assert.deepEqual(await t.catalog.tables('main'), []);
  });

  it("rat sync --into main merges the forge merge found in HEAD's history, once", async () => {
    const r = await ci.rat(['sync', '--into', 'main']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /merged data of "feat-p" into "main"/);
    assert.deepEqual(await t.catalog.tables('main'), ['db.p']);
    assert.equal((await t.catalog.link(mergeSha))?.dataHash, await t.catalog.head('main'));
    const again = await ci.rat(['sync', '--into', 'main']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.doesNotMatch(again.stdout, /merged data of/);
    const s = await ci.rat(['status']);
    assert.doesNotMatch(s.stdout, /approximate/);
  });
});
