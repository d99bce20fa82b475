/**
 * `git branch -m old new` keeps the data: the new data branch is created at the old one's head and the old one goes
 * as a deleted branch's would. Real git with the installed hooks, the `rat` CLI and a real server.
 */
import assert from 'node:assert/strict';
import { useLockstepRepo } from './git-support.ts';

describe('git branch -m: the data branch follows the rename (real git, real server)', function () {
  this.timeout(120_000);
  const t = useLockstepRepo({ prefix: 'rat-rename-' });

  it("git branch -m feat-e feat-e2 creates feat-e2 at feat-e's head and deletes feat-e", async () => {
    const { repo, catalog } = t;
    await repo.ok('checkout', '-q', '-b', 'feat-e');
    await repo.commitFile('e.txt', 'e\n');
    const head = await catalog.putTable('feat-e', 'db.e', 'file:///nowhere/db/e/metadata/00000.metadata.json');
    await repo.ok('checkout', '-q', 'main');
    const r = await repo.ok('branch', '-m', 'feat-e', 'feat-e2');
    assert.match(
      r.stderr,
      new RegExp(
        `branch renamed: data branch "feat-e2" created at "feat-e"'s head ${head.slice(0, 12)}; data branch "feat-e" deleted`,
      ),
    );
    assert.equal(await catalog.head('feat-e2'), head);
    assert.equal(await catalog.head('feat-e'), undefined);
    assert.deepEqual(await catalog.tables('feat-e2'), ['db.e']);
    await repo.ok('checkout', '-q', 'feat-e2');
    const s = await repo.rat(['status']);
    assert.equal(s.code, 0, s.stdout + s.stderr);
  });

  it('renaming the checked-out branch (git branch -m new) moves its data too, and a later delete removes it', async () => {
    const { repo, catalog } = t;
    const head = await catalog.head('feat-e2');
    const r = await repo.ok('branch', '-m', 'feat-e3');
    assert.match(r.stderr, /data branch "feat-e3" created at "feat-e2"'s head/);
    assert.equal(await catalog.head('feat-e3'), head);
    assert.equal(await catalog.head('feat-e2'), undefined);
    await repo.ok('checkout', '-q', 'main');
    // Still this clone's data under its new name: deleting the branch deletes it.
    const d = await repo.ok('branch', '-D', 'feat-e3');
    assert.match(d.stderr, /data branch "feat-e3" deleted/);
    assert.equal(await catalog.head('feat-e3'), undefined);
  });
});
