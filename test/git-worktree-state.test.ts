/**
 * What each linked worktree keeps to itself and what they share: a pending decision is journaled in the worktree's
 * own git dir (the main checkout neither sees nor replays it), fork points and hooks are the common dir's, and a
 * worktree made from another worktree forks from that worktree's branch. Real git, the `rat` CLI, a real server.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Repo, useLockstepRepo, type Catalog } from './git-support.ts';
import { ratOk } from './git-team-support.ts';

describe('linked worktrees: per-worktree and shared state (real git, real server)', function () {
  this.timeout(600_000);
  const t = useLockstepRepo({ prefix: 'rat-worktree-state-' });
  let catalog: Catalog;
  let main: Repo;
  const worktrees: Repo[] = [];
  const add = (name: string) => {
    const r = new Repo(`${main.dir}-${name}`);
    worktrees.push(r);
    return r;
  };
  const journal = (gitdir: string) => path.join(gitdir, 'rat', 'journal.jsonl');

  before(() => ({ catalog, repo: main } = t));
  after(() => worktrees.forEach((w) => rmSync(w.dir, { recursive: true, force: true })));

  it('a data branch already there: the decision waits in the worktree, not in the main checkout', async () => {
    const mainRef = await catalog.ref('main');
    assert.equal((await catalog.call('POST', '/api/v2/trees?name=feat-s&type=BRANCH', mainRef)).status, 200);
    const stale = await catalog.putTable('feat-s', 'db.old', 'file:///feat-s-old.json');
    const wt = add('wt-s');
    const r = await main.ok('worktree', 'add', '-q', wt.dir, '-b', 'feat-s');
    assert.match(r.stderr, /data branch "feat-s" already existed/);
    assert.equal(await catalog.head('feat-s'), stale);

    const own = journal(path.join(main.dir, '.git', 'worktrees', path.basename(wt.dir)));
    assert.match(readFileSync(own, 'utf8'), /"kind":"existing-branch","codeBranch":"feat-s"/);
    assert.equal(existsSync(journal(path.join(main.dir, '.git'))), false, "not in the main checkout's journal");
    const mainSync = await ratOk(main, ['sync']);
    assert.doesNotMatch(mainSync.stderr, /feat-s/);
    const mainStatus = await ratOk(main, ['status']);
    assert.match(
      mainStatus.stdout,
      new RegExp(`note: +1 journaled step\\(s\\) wait in the checkout at .*wt-s: \`rat sync\` there`),
    );

    const status = await wt.rat(['status']);
    assert.equal(status.code, 1, status.stdout);
    assert.match(status.stdout, /--existing/);
    await ratOk(wt, ['sync', '--existing', 'reuse']);
    assert.equal((await wt.rat(['status'])).code, 0);
    assert.equal(await catalog.head('feat-s'), stale, 'reused as it was');
  });

  it('git worktree add -b run inside a worktree forks from that worktree’s branch', async () => {
    const from = worktrees[0]!;
    await from.commitFile('s.txt', 'on feat-s\n');
    const wt = add('wt-t');
    const r = await from.ok('worktree', 'add', '-q', wt.dir, '-b', 'feat-t');
    assert.match(r.stderr, /data branch "feat-t" created from .*feat-s/);
    assert.equal(await catalog.head('feat-t'), await catalog.head('feat-s'));
    const forks = JSON.parse(readFileSync(path.join(main.dir, '.git', 'rat', 'forks.json'), 'utf8'));
    assert.equal(forks['feat-t'].fromDataBranch, 'feat-s');
  });

  it('git branch x + git worktree add <path> x forks the data as git branch x + git checkout x does', async () => {
    await main.ok('branch', 'feat-e');
    assert.equal(await catalog.head('feat-e'), undefined, 'git branch alone makes no data branch');
    const wt = add('wt-e');
    const r = await main.ok('worktree', 'add', '-q', wt.dir, 'feat-e');
    assert.match(r.stderr, /data branch "feat-e" created from the data head of "main"/);
    assert.equal(await catalog.head('feat-e'), await catalog.head('main'));
  });

  it('a data conflict stops a merge in the worktree; the merge state is the worktree’s, main’s checkout is clean', async () => {
    const wt = worktrees[1]!; // feat-t
    await catalog.putTable('feat-t', 'db.clash', 'file:///feat-t-clash.json');
    await wt.commitFile('t.txt', 'on feat-t\n');
    await catalog.putTable('main', 'db.clash', 'file:///main-clash.json');
    await main.commitFile('m.txt', 'on main\n');
    const headBefore = await wt.head();
    const dataBefore = await catalog.head('feat-t');
    const r = await wt.git('merge', '--no-ff', '--no-edit', 'main');
    assert.notEqual(r.code, 0, 'the merge must be stopped');
    assert.match(r.stderr, /db\.clash/);
    assert.equal(await wt.head(), headBefore, 'no merge commit was written');
    assert.equal(await catalog.head('feat-t'), dataBefore, 'the data is untouched');
    const wtGitDir = path.join(main.dir, '.git', 'worktrees', path.basename(wt.dir));
    assert.ok(existsSync(path.join(wtGitDir, 'MERGE_HEAD')), "git's merge state is in the worktree's git dir");
    assert.equal(existsSync(path.join(main.dir, '.git', 'MERGE_HEAD')), false);
    assert.equal((await main.ok('status', '--porcelain')).stdout.trim(), '');
    await wt.ok('merge', '--abort');
  });

  it('rat hooks install in a worktree installs into the common hooks folder that serves every worktree', async () => {
    const wt = worktrees[2]!;
    const r = await ratOk(wt, ['hooks', 'install']);
    assert.match(r.stdout, new RegExp(`hooks installed in ${path.join(main.dir, '.git', 'hooks')}`));
    assert.equal(existsSync(path.join(main.dir, '.git', 'worktrees', path.basename(wt.dir), 'hooks')), false);
  });
});
