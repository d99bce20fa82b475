/**
 * A detached checkout reads the data recorded for its commit, read-only: `rat test`, `rat runs` and `rat run --dry-run`
 * work there (and on `--branch name@hash`), while `rat run` still refuses to write. Real git with the installed hooks,
 * the `rat` CLI and a real server, on `examples/shop`.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useLockstepRepo, type Catalog, type Repo } from './git-support.ts';
import { ratOk } from './git-team-support.ts';

const shop = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'shop');

describe('read-only commands on a detached checkout read its pinned data (real git, real server)', function () {
  this.timeout(600_000);
  const t = useLockstepRepo({ prefix: 'rat-detached-', copy: shop });
  let catalog: Catalog;
  let repo: Repo;
  let first: { sha: string; data: string };
  let latest: string;

  before(async () => {
    ({ catalog, repo } = t);
    await ratOk(repo, ['run']);
    first = { sha: await repo.head(), data: (await catalog.head('main'))! };
    // A second run moves main on, so that the detached checkout's data differs from the branch head.
    await repo.commitFile(
      'landing/orders/orders_2024-03-03.csv',
      'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n1009,C004,P03,4,4.50,shipped,2024-03-03 10:00:00\n',
      'orders of March 3',
    );
    await ratOk(repo, ['run']);
    latest = (await catalog.head('main'))!;
    assert.notEqual(latest, first.data);
    await repo.ok('checkout', '-q', '--detach', first.sha);
  });

  it('rat test reads the data recorded for the detached commit and builds nothing', async () => {
    const r = await ratOk(repo, ['test']);
    assert.match(
      r.stdout,
      new RegExp(`branch: main@${first.data} \\(read-only: the data recorded for detached commit`),
    );
    assert.match(r.stdout, /tests: (\d+)\/\1 passed/);
    assert.equal(await catalog.head('main'), latest);
    const json = JSON.parse((await ratOk(repo, ['test', '--json'])).stdout) as { branch: string; status: string };
    assert.deepEqual([json.branch, json.status], [`main@${first.data}`, 'success']);
  });

  it('rat runs lists the runs merged by that commit, not the later ones', async () => {
    const records = JSON.parse((await ratOk(repo, ['runs', '--json'])).stdout) as Array<{ foundOn: string }>;
    assert.equal(records.length, 1, JSON.stringify(records));
    assert.equal(records[0]!.foundOn, `main@${first.data}`);
    const text = await ratOk(repo, ['runs']);
    assert.match(text.stdout, /success/);
    assert.doesNotMatch(text.stdout, /kept branch/);
  });

  it('rat run --dry-run shows the plan on the pinned ref; rat run still refuses to write', async () => {
    const dry = await ratOk(repo, ['run', '--dry-run']);
    assert.match(dry.stdout, new RegExp(`branch: main@${first.data} \\(read-only`));
    assert.match(dry.stdout, /gold\.daily_revenue/);
    const write = await repo.rat(['run']);
    assert.equal(write.code, 1);
    assert.match(
      write.stderr,
      /The checkout is detached \(data ref main@\w+ is read-only\): check out a branch or pass --branch\./,
    );
    assert.equal(await catalog.head('main'), latest);
  });

  it('on a branch, --branch name@hash reads that commit; a run there is refused with the way out', async () => {
    await repo.ok('checkout', '-q', 'main');
    const r = await ratOk(repo, ['test', '--branch', `main@${first.data}`]);
    assert.match(r.stdout, /tests: (\d+)\/\1 passed/);
    const runs = JSON.parse((await ratOk(repo, ['runs', '--branch', `main@${first.data}`, '--json'])).stdout);
    assert.equal(runs.length, 1);
    const bad = await repo.rat(['test', '--branch', `main@${'0'.repeat(16)}`]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /No commit "0{16}" in this catalog/);
    const write = await repo.rat(['run', '--branch', `main@${first.data}`]);
    assert.equal(write.code, 1);
    assert.match(
      write.stderr,
      /is pinned to one commit and read-only: a run writes, so run on a branch \(--branch main/,
    );
    assert.equal(await catalog.head('main'), latest);
  });
});
