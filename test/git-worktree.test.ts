/**
 * Linked worktrees (`git worktree add`): git-sync does not support them yet, and says so by name in the hooks and
 * the commands, instead of failing with ENOTDIR on the `.git` file. Real git with the installed hooks, the `rat` CLI
 * and a real server.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Repo, useLockstepRepo } from './git-support.ts';

describe('linked worktrees are refused by name (real git, real server)', function () {
  this.timeout(120_000);
  const t = useLockstepRepo({ prefix: 'rat-worktree-' });
  let wt: string;

  after(() => {
    if (wt) rmSync(wt, { recursive: true, force: true });
  });

  it('git worktree add -b: the hooks say worktrees are not supported, git goes ahead, nothing under .git', async () => {
    wt = `${t.repo.dir}-wt-g`;
    const r = await t.repo.ok('worktree', 'add', '-q', wt, '-b', 'feat-g');
    assert.doesNotMatch(r.stderr, /ENOTDIR/);
    assert.match(
      r.stderr,
      /post-checkout skipped: .*wt-g is a linked worktree \(git worktree add, git dir .*\): rat does not keep data branches in step in worktrees yet\. Branch, merge and sync from the main checkout/,
    );
    const worktreeGitDir = path.join(t.repo.dir, '.git', 'worktrees', path.basename(wt));
    assert.ok(existsSync(worktreeGitDir), worktreeGitDir);
    assert.equal(existsSync(path.join(worktreeGitDir, 'rat')), false);
  });

  it('rat status in the worktree exits 1 with the same message; the main checkout is unaffected', async () => {
    const s = await new Repo(wt).rat(['status']);
    assert.equal(s.code, 1);
    assert.match(s.stderr, /is a linked worktree .*rat run --branch <data branch>/);
    const json = await new Repo(wt).rat(['status', '--json']);
    assert.equal(JSON.parse(json.stdout).error.code, 'WORKTREE_NOT_SUPPORTED');
    const main = await t.repo.rat(['status']);
    assert.equal(main.code, 0, main.stdout + main.stderr);
  });
});
