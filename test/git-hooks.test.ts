/**
 * Focused tests per hook, with the real git binary, the installed shims and a real server. Data is written straight
 * through the management API (no PyIceberg) to keep each case short; the realistic day uses PyIceberg.
 */
import assert from 'node:assert/strict';
import fs, { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ensureDataBranch,
  httpDataCatalog,
  mergeDataBranches,
  readProjectConfig,
  type GitSyncIO,
} from '@ratatouille/git-sync';
import type { TestServer } from './support/server.ts';
import { useLockstepRepo, type Catalog, type Repo } from './git-support.ts';

describe('git lockstep hooks, one by one (real git, real server)', function () {
  this.timeout(600_000);
  let server: TestServer;
  let catalog: Catalog;
  let repo: Repo;
  const journal = () => {
    try {
      return readFileSync(path.join(repo.dir, '.git', 'rat', 'journal.jsonl'), 'utf8').trim();
    } catch {
      return '';
    }
  };

  const t = useLockstepRepo();
  before(() => ({ server, catalog, repo } = t));

  it('post-checkout: a new branch forks from the data head of the branch you came from, not main', async () => {
    await repo.ok('switch', '-c', 'a');
    await catalog.putTable('a', 'db.t', 'file:///a1.json');
    await repo.commitFile('a.txt', 'a');
    await repo.ok('branch', 'b');
    await repo.ok('checkout', 'b');
    const aHead = await catalog.head('a');
    assert.notEqual(aHead, await catalog.head('main'));
    assert.equal(await catalog.head('b'), aHead);
  });

  it('post-checkout: an existing code branch whose data branch is missing gets it back from its fork point', async () => {
    const forkPoint = await catalog.head('b');
    await catalog.putTable('a', 'db.t', 'file:///a2.json'); // a moves on; b must come back where it forked
    await repo.ok('checkout', 'main');
    const del = await catalog.call('DELETE', `/api/v2/trees/b@${forkPoint}`);
    assert.equal(del.status, 200);
    await repo.ok('checkout', 'b');
    assert.equal(await catalog.head('b'), forkPoint);
  });

  it('post-commit records the data head; post-rewrite carries links over amend and rebase', async () => {
    await repo.commitFile('b1.txt', 'b1');
    const before = await repo.head();
    assert.equal((await catalog.link(before))?.dataRef, 'b');
    await repo.ok('commit', '-q', '--amend', '-m', 'b1 amended');
    const amended = await repo.head();
    assert.notEqual(amended, before);
    assert.equal((await catalog.link(amended))?.dataHash, await catalog.head('b'));

    await repo.ok('checkout', 'main');
    await repo.commitFile('main1.txt', 'm');
    await repo.ok('checkout', 'b');
    const oldLink = await catalog.link(amended);
    await repo.ok('rebase', '-q', 'main');
    const rebased = await repo.head();
    assert.notEqual(rebased, amended);
    const newLink = await catalog.link(rebased);
    assert.deepEqual([newLink?.dataRef, newLink?.dataHash], [oldLink?.dataRef, oldLink?.dataHash]);
  });

  it('fast-forward with a data conflict: code merged, data untouched, journaled; rat sync --resolve finishes once', async () => {
    await repo.ok('checkout', 'main');
    await repo.ok('checkout', '-b', 'c');
    await catalog.putTable('c', 'db.u', 'file:///c.json');
    await repo.commitFile('c.txt', 'c');
    await repo.ok('checkout', 'main');
    await catalog.putTable('main', 'db.u', 'file:///main.json'); // data changed on main without a code commit
    const dataBefore = await catalog.head('main');
    const r = await repo.ok('merge', '--ff-only', 'c');
    assert.match(r.stdout, /Fast-forward/);
    assert.equal(await repo.head(), await repo.head('c'), 'the code is merged');
    assert.equal(await catalog.head('main'), dataBefore, 'the data is untouched');
    assert.match(journal(), /"kind":"merge".*"conflict":true/);

    const status = await repo.rat(['status']);
    assert.equal(status.code, 1, `rat status fails while code and data are out of step\n${status.stdout}`);
    assert.match(status.stdout, /OUT OF STEP/);
    const conflicted = await repo.rat(['sync']);
    assert.equal(conflicted.code, 1, 'sync without --resolve reports the conflict');
    assert.equal(await catalog.head('main'), dataBefore);

    // Forcing says what main loses and, without a terminal to ask on, needs --yes.
    const asked = await repo.rat(['sync', '--resolve', 'theirs']);
    assert.equal(asked.code, 1, asked.stdout + asked.stderr);
    assert.match(asked.stdout, /Forcing c over main drops from main:\n {2}! {2}db\.u: /);
    assert.equal(asked.stdout.match(/Forcing c over main/g)?.length, 1, 'asked once');
    assert.match(asked.stderr, /not forced \(confirm on a terminal, or pass --yes\)/);
    assert.equal(await catalog.head('main'), dataBefore, 'nothing forced');
    const resolved = await repo.rat(['sync', '--resolve', 'theirs', '--yes']);
    assert.equal(resolved.code, 0, resolved.stderr);
    const inStep = await repo.rat(['status']);
    assert.equal(inStep.code, 0, inStep.stdout);
    const u = await catalog.call('GET', `/api/v2/trees/main/contents/db.u`);
    assert.equal(u.body.content.metadataLocation, 'file:///c.json');
    assert.equal(journal(), '');
    const head = await catalog.head('main');
    const again = await repo.rat(['sync']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await catalog.head('main'), head, 'running sync twice does nothing the second time');
  });

  it('git revert of a code merge names the rat revert that undoes its data merge; the data stays until then', async () => {
    await repo.ok('checkout', 'main');
    await repo.ok('checkout', '-b', 'rv');
    await catalog.putTable('rv', 'db.rv', 'file:///rv.json');
    await repo.commitFile('rv.txt', 'rv');
    await repo.ok('checkout', 'main');
    await repo.ok('merge', '--no-ff', '-q', '-m', 'merge rv', 'rv');
    const merge = await repo.head();
    const dataMerge = (await catalog.link(merge))!.dataHash.slice(0, 12);
    assert.ok((await catalog.tables('main')).includes('db.rv'), 'the merge brought the data');

    const reverted = await repo.ok('revert', '--no-edit', '-m', '1', merge);
    const said = reverted.stdout + reverted.stderr;
    assert.match(
      said,
      new RegExp(
        `this reverts code merge ${merge.slice(0, 12)}; the data it merged \\(commit ${dataMerge} on "main"\\) stays`,
      ),
    );
    assert.match(said, new RegExp(`To undo that data too: rat revert ${dataMerge} --on main`));
    assert.ok((await catalog.tables('main')).includes('db.rv'), 'reverting code moves code only');

    const undone = await repo.rat(['revert', dataMerge, '--on', 'main']);
    assert.equal(undone.code, 0, undone.stdout + undone.stderr);
    assert.ok(!(await catalog.tables('main')).includes('db.rv'));
    // A revert of a commit that merged no data says nothing.
    await repo.commitFile('after.txt', 'x');
    const other = await repo.ok('revert', '--no-edit', 'HEAD');
    assert.doesNotMatch(other.stdout + other.stderr, /rat revert/);
  });

  it('rat sync merges the data of a merge made where no hook ran (forge), once', async () => {
    await repo.ok('checkout', '-b', 'd');
    await catalog.putTable('d', 'db.d', 'file:///d.json');
    await repo.commitFile('d.txt', 'd');
    await repo.ok('checkout', 'main');
    const noHooks = ['-c', 'core.hooksPath=/dev/null'];
    await repo.ok(...noHooks, 'merge', '--no-ff', '-m', 'Merge pull request #5 from org/d', 'd');
    await repo.ok(...noHooks, 'branch', '-D', 'd');
    assert.ok(!(await catalog.tables('main')).includes('db.d'));
    const r = await repo.rat(['sync']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok((await catalog.tables('main')).includes('db.d'));
    const head = await catalog.head('main');
    assert.equal((await repo.rat(['sync'])).code, 0);
    assert.equal(await catalog.head('main'), head);
    // A squash merge names its branch; one whose data branch is gone merges nothing, and says so.
    const gone = await repo.rat(['sync', '--merged', 'no-such-branch']);
    assert.equal(gone.code, 1, gone.stdout);
    assert.match(gone.stderr, /no data branch "no-such-branch" on the server: nothing of it was merged/);
    assert.doesNotMatch(gone.stdout, /in step/);
    assert.equal(await catalog.head('main'), head);
  });

  it('reference-transaction: branch -D archives when configured; tag and tag -d follow', async () => {
    const cfg = path.join(repo.dir, 'rat.yaml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('onBranchDelete: delete', 'onBranchDelete: archive'));
    await repo.ok('checkout', '-b', 'gone');
    await catalog.putTable('gone', 'db.g', 'file:///g.json');
    const goneHead = await catalog.head('gone');
    await repo.ok('checkout', 'main');
    await repo.ok('branch', '-D', 'gone');
    assert.equal(await catalog.head('gone'), undefined);
    const archived = await catalog.ref('archive/gone');
    assert.deepEqual([archived?.type, archived?.hash], ['TAG', goneHead]);

    await repo.ok('tag', '-a', '-m', 'release', 'v2');
    assert.equal((await catalog.ref('v2'))?.hash, await catalog.head('main'));
    await repo.ok('tag', '-d', 'v2');
    assert.equal(await catalog.ref('v2'), undefined);
  });

  describe('two hooks racing', () => {
    let io: GitSyncIO;
    before(async () => {
      const config = await readProjectConfig({ fs, dir: repo.dir });
      io = {
        fs,
        dir: repo.dir,
        gitdir: path.join(repo.dir, '.git'),
        config,
        catalog: httpDataCatalog(server.url),
        report: { info: () => undefined, warn: () => undefined },
      };
    });

    it('cannot create a branch twice: both succeed, one branch', async () => {
      const [x, y] = await Promise.all([
        ensureDataBranch(io, 'race', { fromCodeBranch: 'main' }),
        ensureDataBranch(io, 'race', { fromCodeBranch: 'main' }),
      ]);
      assert.equal(x.reference.hash, y.reference.hash);
      assert.equal([x.created, y.created].filter(Boolean).length <= 1, true);
      assert.equal(await catalog.head('race'), await catalog.head('main'));
    });

    it('cannot merge twice: one data commit for one code merge', async () => {
      await catalog.putTable('race', 'db.race', 'file:///race.json');
      const before = (await catalog.history('main')).length;
      const sha = 'ab'.repeat(20);
      const results = await Promise.all([
        mergeDataBranches(io, { sourceBranch: 'race', targetBranch: 'main', mergeSha: sha }),
        mergeDataBranches(io, { sourceBranch: 'race', targetBranch: 'main', mergeSha: sha }),
      ]);
      assert.deepEqual(results.map((r) => r.kind).sort(), ['already-merged', 'merged']);
      assert.equal((await catalog.history('main')).length, before + 1);
    });
  });
});
