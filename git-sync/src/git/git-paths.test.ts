import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs, { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitPath, isCommonPath, readCommonDir } from './git-paths.ts';
import { currentBranch, headSha, localBranchTips, readMergeHeads, readReflog, resolveSha } from './repo.ts';
import { workingTreeChanges } from './working-tree.ts';

describe('linked worktree paths (git dir vs common dir)', () => {
  it("splits a git dir's files as git does: refs, objects, config, hooks shared; HEAD, index, merge state per worktree", () => {
    for (const p of [
      'refs/heads/main',
      'objects/ab/cd',
      'packed-refs',
      'config',
      'hooks/post-checkout',
      'logs/refs/heads/x',
    ])
      assert.equal(isCommonPath(p), true, p);
    for (const p of [
      'HEAD',
      'index',
      'MERGE_HEAD',
      'MERGE_MSG',
      'ORIG_HEAD',
      'logs/HEAD',
      'refs/bisect/bad',
      'rebase-merge',
    ])
      assert.equal(isCommonPath(p), false, p);
    const dirs = { gitdir: '/r/.git/worktrees/wt', commonDir: '/r/.git' };
    assert.equal(gitPath(dirs, 'logs/refs/heads/x'), '/r/.git/logs/refs/heads/x');
    assert.equal(gitPath(dirs, 'MERGE_HEAD'), '/r/.git/worktrees/wt/MERGE_HEAD');
    assert.equal(gitPath({ gitdir: '/r/.git' }, 'refs/heads/x'), '/r/.git/refs/heads/x');
  });

  describe('the git reader in a real linked worktree', () => {
    let root: string;
    let io: { fs: typeof fs; dir: string; gitdir: string; commonDir?: string };
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=d@e', '-c', 'user.name=D', '-c', 'core.hooksPath=/dev/null', ...args], {
        cwd,
        encoding: 'utf8',
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
      }).trim();

    before(() => {
      root = mkdtempSync(path.join(os.tmpdir(), 'rat-git-paths-'));
      const repo = path.join(root, 'repo');
      fs.mkdirSync(repo);
      git(repo, 'init', '-q', '-b', 'main');
      fs.writeFileSync(path.join(repo, 'a.txt'), 'a\n');
      git(repo, 'add', 'a.txt');
      git(repo, 'commit', '-q', '-m', 'one');
      git(repo, 'worktree', 'add', '-q', path.join(root, 'wt'), '-b', 'feat');
      fs.writeFileSync(path.join(root, 'wt', 'b.txt'), 'b\n');
      git(path.join(root, 'wt'), 'add', 'b.txt');
      git(path.join(root, 'wt'), 'commit', '-q', '-m', 'two');
      const gitdir = path.join(repo, '.git', 'worktrees', 'wt');
      io = { fs, dir: path.join(root, 'wt'), gitdir, commonDir: readCommonDir(fs, gitdir) };
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it('reads the common dir from commondir, and none for a main checkout', () => {
      assert.equal(io.commonDir, path.join(root, 'repo', '.git'));
      assert.equal(readCommonDir(fs, path.join(root, 'repo', '.git')), undefined);
    });

    it("reads the worktree's HEAD and index with the repository's refs and objects", async () => {
      assert.equal(await currentBranch(io), 'feat');
      assert.equal(await headSha(io), git(io.dir, 'rev-parse', 'HEAD'));
      assert.equal(await resolveSha(io, 'refs/heads/main'), git(io.dir, 'rev-parse', 'main'));
      assert.deepEqual([...(await localBranchTips(io)).keys()].sort(), ['feat', 'main']);
      assert.equal((await readReflog(io, 'refs/heads/feat'))[0]?.message, 'branch: Created from HEAD');
      assert.deepEqual(await workingTreeChanges(io), []);
      fs.writeFileSync(path.join(io.dir, 'b.txt'), 'changed\n');
      assert.deepEqual(await workingTreeChanges(io), ['b.txt']);
      assert.deepEqual(await readMergeHeads(io), []);
    });
  });
});
