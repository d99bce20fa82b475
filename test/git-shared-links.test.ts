/**
 * A commit's data link is what everyone reads for that commit: a commit shared with another branch (the fork point of
 * a new branch) keeps the link of the data branch it was recorded on, whatever runs on the new branch. Real git, the
 * installed hooks, the `rat` CLI and a real server.
 */
import assert from 'node:assert/strict';
import { useLockstepRepo } from './git-support.ts';

describe("a shared commit's data link is never replaced by another branch's data (real git, real server)", function () {
  this.timeout(600_000);
  const t = useLockstepRepo({ prefix: 'rat-shared-links-' });

  it('rat init on a feature branch keeps the link main recorded for the commit, and says so', async () => {
    const { repo, catalog } = t;
    const sha = await repo.head();
    const before = await catalog.link(sha);
    assert.equal(before?.dataRef, 'main');
    await repo.ok('checkout', '-q', '-b', 'feat');
    await catalog.putTable('feat', 'db.f', 'file:///f.json');
    const r = await repo.rat(['init']);
    assert.equal(r.code, 0, r.stderr);
    const after = await catalog.link(sha);
    assert.deepEqual([after?.dataRef, after?.dataHash], [before!.dataRef, before!.dataHash]);
    assert.match(r.stdout, /keeps its data link main@[0-9a-f]{12} .*your next commit on "feat" records "feat"'s data/);
  });

  it('the next commit on the branch is linked to its own data', async () => {
    const { repo, catalog } = t;
    await repo.commitFile('f.txt', 'f\n', 'feature work');
    const link = await catalog.link(await repo.head());
    assert.deepEqual([link?.dataRef, link?.dataHash], ['feat', await catalog.head('feat')]);
  });
});
