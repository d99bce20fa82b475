/** `rat init` / `rat hooks install|uninstall` with a user's own hooks in the way (real git, no server needed). */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Repo } from './git-support.ts';

describe('git hooks installer (simple-git-hooks, preserveUnused)', function () {
  this.timeout(300_000);
  let repo: Repo;
  const hook = (name: string) => path.join(repo.dir, '.git', 'hooks', name);
  const USER_POST_COMMIT = '#!/bin/sh\necho "my own post-commit"\n';
  const USER_PRE_PUSH = '#!/bin/sh\nexit 0\n';

  before(async () => {
    repo = await Repo.create();
    writeFileSync(hook('post-commit'), USER_POST_COMMIT);
    writeFileSync(hook('pre-push'), USER_PRE_PUSH);
    chmodSync(hook('post-commit'), 0o755);
    chmodSync(hook('pre-push'), 0o755);
  });
  after(() => rmSync(repo.dir, { recursive: true, force: true }));

  it('rat init keeps a user hook and reports it, installs the others, leaves unrelated hooks alone', async () => {
    const r = await repo.rat(['init', '--server', 'http://127.0.0.1:9']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(hook('post-commit'), 'utf8'), USER_POST_COMMIT);
    assert.match(r.stderr, /post-commit/);
    assert.equal(readFileSync(hook('pre-push'), 'utf8'), USER_PRE_PUSH);
    for (const h of ['post-checkout', 'pre-merge-commit', 'post-merge', 'reference-transaction', 'post-rewrite']) {
      assert.match(readFileSync(hook(h), 'utf8'), /ratatouille-hook/, h);
    }
  });

  it('git keeps working with an unreachable catalog (hooks warn, never fail)', async () => {
    const r = await repo.git('checkout', '-b', 'feature');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(path.join(repo.dir, '.git', 'rat', 'journal.jsonl')));
  });

  it('--force moves the user hook aside; uninstall removes ours and restores it', async () => {
    const forced = await repo.rat(['hooks', 'install', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(hook('post-commit'), 'utf8'), /ratatouille-hook/);
    assert.equal(readFileSync(hook('post-commit.rat-backup'), 'utf8'), USER_POST_COMMIT);
    const again = await repo.rat(['hooks', 'install', '--force']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      readFileSync(hook('post-commit.rat-backup'), 'utf8'),
      USER_POST_COMMIT,
      'installing twice is harmless',
    );

    const un = await repo.rat(['hooks', 'uninstall']);
    assert.equal(un.code, 0, un.stderr);
    assert.equal(readFileSync(hook('post-commit'), 'utf8'), USER_POST_COMMIT);
    assert.equal(existsSync(hook('post-commit.rat-backup')), false);
    assert.equal(existsSync(hook('post-checkout')), false);
    assert.equal(readFileSync(hook('pre-push'), 'utf8'), USER_PRE_PUSH);
  });
});
