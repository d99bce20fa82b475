/**
 * Linked worktrees (`git worktree add`) keep data in step like the main checkout: `worktree add -b` forks the data
 * branch, commands and runs in the worktree work on the worktree's branch, merges in either checkout merge data, and
 * `worktree remove` + `branch -d` deletes the data branch. Real git with the hooks installed in the common dir, the
 * `rat` CLI and a real server, on `examples/shop`.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Repo, useLockstepRepo, type Catalog } from './git-support.ts';
import { query, ratOk } from './git-team-support.ts';

const shop = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'shop');

describe('linked worktrees keep data in step (real git, real server)', function () {
  this.timeout(600_000);
  const t = useLockstepRepo({ prefix: 'rat-worktree-', copy: shop });
  let catalog: Catalog;
  let main: Repo;
  let wt: Repo;
  let mainDataBefore: string;

  before(async () => {
    ({ catalog, repo: main } = t);
    await ratOk(main, ['run']);
    mainDataBefore = (await catalog.head('main'))!;
  });
  after(() => {
    if (wt) rmSync(wt.dir, { recursive: true, force: true });
  });

  it('git worktree add -b forks the data branch from the branch it was run on, as git checkout -b does', async () => {
    wt = new Repo(`${main.dir}-wt`);
    const r = await main.ok('worktree', 'add', '-q', wt.dir, '-b', 'feat-w');
    assert.match(r.stderr, /data branch "feat-w" created from .*main/);
    assert.equal(await catalog.head('feat-w'), mainDataBefore);
    // The fork point is clone-wide state, beside the refs: in the common dir, not the worktree's git dir.
    const forks = JSON.parse(readFileSync(path.join(main.dir, '.git', 'rat', 'forks.json'), 'utf8'));
    assert.equal(forks['feat-w'].fromDataBranch, 'main');
  });

  it('rat status and rat env in the worktree read its branch; the main checkout still reads main', async () => {
    const env = JSON.parse((await ratOk(wt, ['env', '--format', 'json'])).stdout) as { ref: string };
    assert.equal(env.ref, 'feat-w');
    const s = await ratOk(wt, ['status']);
    assert.match(s.stdout, /feat-w/);
    const mainEnv = JSON.parse((await ratOk(main, ['env', '--format', 'json'])).stdout) as { ref: string };
    assert.equal(mainEnv.ref, 'main');
  });

  it('a commit and a pipeline run in the worktree land on its data branch; main is untouched', async () => {
    await wt.commitFile(
      'landing/orders/orders_2024-03-03.csv',
      'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n1009,C004,P03,4,4.50,shipped,2024-03-03 10:00:00\n',
      'orders of March 3',
    );
    const sha = await wt.head();
    assert.equal((await catalog.link(sha))?.dataRef, 'feat-w', 'post-commit ran in the worktree on its branch');
    const r = await ratOk(wt, ['run']);
    const head = (await catalog.head('feat-w'))!;
    assert.notEqual(head, mainDataBefore);
    assert.equal((await catalog.link(sha))?.dataHash, head);
    assert.match(r.stdout, new RegExp(`commit ${sha.slice(0, 12)} ↔ data feat-w@${head.slice(0, 12)}`));
    assert.equal(await catalog.head('main'), mainDataBefore, "main's data is untouched");
    const orders = await query(t.server, 'feat-w', 'SELECT count(*) AS n FROM bronze.orders WHERE order_id = 1009');
    assert.equal(Number(orders[0]!.n), 1);
    assert.equal(existsSync(path.join(main.dir, 'landing/orders/orders_2024-03-03.csv')), false);
  });

  it('git merge in the worktree merges the data of the branch it merges', async () => {
    await main.commitFile('NOTES.md', 'extra table\n');
    await catalog.putTable('main', 'db.extra', 'file:///main-extra.json');
    const m = await wt.ok('merge', '--no-edit', 'main');
    assert.doesNotMatch(m.stderr, /WARNING/);
    assert.ok((await catalog.tables('feat-w')).includes('db.extra'), 'main merged into feat-w');
    const [merge] = await catalog.history('feat-w');
    assert.equal(merge!.properties['rat.git.source-branch'], 'main');
  });

  it("merging the worktree's branch from the main checkout merges its data into main", async () => {
    const m = await main.ok('merge', '--no-edit', 'feat-w');
    assert.doesNotMatch(m.stderr, /WARNING/);
    const orders = await query(t.server, 'main', 'SELECT count(*) AS n FROM bronze.orders WHERE order_id = 1009');
    assert.equal(Number(orders[0]!.n), 1, "feat-w's run is on main");
    assert.ok((await catalog.tables('main')).includes('db.extra'));
  });

  it('git worktree remove + git branch -d deletes the data branch, as for any branch', async () => {
    await main.ok('worktree', 'remove', wt.dir);
    assert.ok(await catalog.head('feat-w'), 'removing the worktree alone keeps the branch and its data');
    await main.ok('branch', '-d', 'feat-w');
    assert.equal(await catalog.head('feat-w'), undefined);
    const forks = JSON.parse(readFileSync(path.join(main.dir, '.git', 'rat', 'forks.json'), 'utf8'));
    assert.equal(forks['feat-w'], undefined);
  });
});
