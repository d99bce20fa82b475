/**
 * Deleting a git branch or tag deletes only the data rat created for it in this clone: a teammate's data branch (the
 * code branch was checked out from a remote-tracking branch) and a data tag that existed before `git tag` are kept,
 * with a line saying how to delete them on purpose. Real git (a clone of a repository), the installed hooks, the
 * `rat` CLI and a real server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Repo, run, useLockstepRepo } from './git-support.ts';

describe('git branch -D / git tag -d keep data rat did not create here (real git, real server)', function () {
  this.timeout(600_000);
  const t = useLockstepRepo({ prefix: 'rat-foreign-' });
  let parent: string;
  let clone: Repo;

  before(async () => {
    // The teammate's repository: feat-c, its data branch made by their checkout.
    await t.repo.ok('checkout', '-q', '-b', 'feat-c');
    await t.catalog.putTable('feat-c', 'db.c', 'file:///c.json');
    await t.repo.commitFile('c.txt', 'c\n', 'feat-c');
    await t.repo.ok('checkout', '-q', 'main');
    parent = mkdtempSync(path.join(os.tmpdir(), 'rat-foreign-clone-'));
    const cloned = await run('git', ['clone', '-q', t.repo.dir, 'me'], { cwd: parent });
    assert.equal(cloned.code, 0, cloned.stderr);
    clone = new Repo(path.join(parent, 'me'));
    await clone.ok('config', 'user.email', 'me@example.com');
    await clone.ok('config', 'user.name', 'Me');
    const hooks = await clone.rat(['hooks', 'install']);
    assert.equal(hooks.code, 0, hooks.stderr);
  });
  after(() => rmSync(parent, { recursive: true, force: true }));

  it("git branch -D of a branch checked out from the remote keeps the teammate's data branch and says so", async () => {
    const head = await t.catalog.head('feat-c');
    await clone.ok('checkout', '-q', 'feat-c');
    await clone.ok('checkout', '-q', 'main');
    const r = await clone.ok('branch', '-D', 'feat-c');
    assert.equal(await t.catalog.head('feat-c'), head);
    assert.match(
      r.stderr,
      /data branch "feat-c" kept \(head [0-9a-f]{12}\): this clone did not create it.*rat branch delete feat-c/,
    );
    assert.doesNotMatch(r.stderr, /deleted/);
  });

  it('git branch -D of a branch this clone created still deletes its data branch', async () => {
    await clone.ok('checkout', '-q', '-b', 'mine');
    assert.ok(await t.catalog.head('mine'));
    await clone.ok('checkout', '-q', 'main');
    const r = await clone.ok('branch', '-D', 'mine');
    assert.match(r.stderr, /data branch "mine" deleted/);
    assert.equal(await t.catalog.head('mine'), undefined);
  });

  it('git tag -d keeps a data tag that existed before git tag, and deletes one git tag created', async () => {
    const made = await clone.rat(['tag', 'create', 'v1']);
    assert.equal(made.code, 0, made.stderr);
    const v1 = await t.catalog.ref('v1');
    await clone.ok('tag', 'v1');
    const r = await clone.ok('tag', '-d', 'v1');
    assert.deepEqual(await t.catalog.ref('v1'), v1);
    assert.match(r.stderr, /data tag "v1" kept .*rat did not create it for this git tag\. .*rat tag delete v1/);

    await clone.ok('tag', 'v2');
    assert.ok(await t.catalog.ref('v2'));
    const d = await clone.ok('tag', '-d', 'v2');
    assert.match(d.stderr, /data tag "v2" deleted/);
    assert.equal(await t.catalog.ref('v2'), undefined);
  });
});
