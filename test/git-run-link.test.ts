/**
 * `git commit && rat run`: the commit is linked to the data its code produced, not to the data from before the run.
 * A run of uncommitted changes says so and is marked `rat.code-dirty`; `rat status` only names fixes that work. Real
 * git with the installed hooks, the `rat` CLI and a real server, on `examples/shop`.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useLockstepRepo, type Catalog, type Repo } from './git-support.ts';
import { edit, ratOk } from './git-team-support.ts';

const shop = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'shop');

describe('rat run links the commit that ran to the data it produced (real git, real server)', function () {
  this.timeout(600_000);
  const t = useLockstepRepo({ prefix: 'rat-run-link-', copy: shop });
  let catalog: Catalog;
  let repo: Repo;

  before(async () => {
    ({ catalog, repo } = t);
  });

  /** `rat env --format json`'s ref on a detached checkout of `sha`, back on feat-b afterwards. */
  const refAt = async (sha: string) => {
    await repo.ok('checkout', '-q', '--detach', sha);
    const env = JSON.parse((await ratOk(repo, ['env', '--format', 'json'])).stdout) as { ref: string };
    await repo.ok('checkout', '-q', 'feat-b');
    return env.ref;
  };

  it('the first rat run on main after rat init links the commit, recorded on the empty data branch, to its result', async () => {
    const sha = await repo.head();
    const r = await ratOk(repo, ['run']);
    const head = (await catalog.head('main'))!;
    assert.equal((await catalog.link(sha))?.dataHash, head);
    assert.match(r.stdout, new RegExp(`commit ${sha.slice(0, 12)} ↔ data main@${head.slice(0, 12)}`));
    await repo.ok('checkout', '-q', '-b', 'feat-b');
  });

  it('a fresh branch runs on its fork point: the shared commit keeps the link of the data it came from', async () => {
    const sha = await repo.head();
    const before = await catalog.link(sha);
    assert.equal(before?.dataRef, 'main');
    const r = await ratOk(repo, ['run']);
    assert.match(r.stdout, /is a commit of "main"'s data \(kept\); your next commit records the data of "feat-b"/);
    assert.deepEqual(await catalog.link(sha), before);
    const s = await ratOk(repo, ['status']);
    assert.match(s.stdout, /your next commit on "feat-b" records "feat-b"'s/);
  });

  it('git commit && rat run: the commit is linked to the run result, status is in step, a checkout reads it', async () => {
    await edit(repo, 'gold/daily_revenue.sql', (s) =>
      s.replace('count(*) AS orders,', 'count(*) AS orders,\n  count(DISTINCT customer_id) AS customers,'),
    );
    await repo.ok('commit', '-q', '-am', 'customers per day');
    const sha = await repo.head();
    const r = await ratOk(repo, ['run']);
    const head = (await catalog.head('feat-b'))!;
    assert.equal((await catalog.link(sha))?.dataHash, head);
    assert.match(r.stdout, new RegExp(`commit ${sha.slice(0, 12)} ↔ data feat-b@${head.slice(0, 12)}`));
    const s = await ratOk(repo, ['status']);
    assert.match(s.stdout, new RegExp(`HEAD saw data ${head.slice(0, 12)}\\n`));
    assert.match(s.stdout, /in step/);
    assert.equal(await refAt(sha), `feat-b@${head}`);
  });

  it('a run of uncommitted changes warns, is marked rat.code-dirty and leaves the link; a commit records it', async () => {
    const sha = await repo.head();
    const linked = (await catalog.link(sha))!.dataHash;
    await edit(repo, 'gold/daily_revenue.sql', (s) =>
      s.replace('sum(quantity) AS items,', 'sum(quantity) AS items,\n  max(quantity) AS most,'),
    );
    const r = await ratOk(repo, ['run']);
    assert.match(
      r.stderr,
      /uncommitted changes \(gold\/daily_revenue\.sql\): this run's results are not the code of HEAD/,
    );
    const [merge] = await catalog.history('feat-b');
    assert.equal(merge!.properties['rat.code-commit'], sha);
    assert.equal(merge!.properties['rat.code-dirty'], 'true');
    assert.equal((await catalog.link(sha))?.dataHash, linked);
    const s = await ratOk(repo, ['status']);
    assert.match(s.stdout, /data changed since, by uncommitted code: commit your changes to record it/);
    await repo.ok('commit', '-q', '-am', 'most items per day');
    assert.equal((await catalog.link(await repo.head()))?.dataHash, merge!.hash);
  });

  it('a run of HEAD whose data did not reach the link is out of step, and rat sync records it', async () => {
    const sha = await repo.head();
    await ratOk(repo, ['run']);
    const head = (await catalog.head('feat-b'))!;
    const [, older] = await catalog.history('feat-b');
    // What an older rat left behind: the link still at the data from before the run.
    const put = await catalog.call('PUT', `/api/v2/git/links/${sha}`, {
      dataRef: 'feat-b',
      dataHash: older!.hash,
      codeBranch: 'feat-b',
    });
    assert.equal(put.status, 200);
    const s = await repo.rat(['status']);
    assert.equal(s.code, 1, s.stdout);
    assert.match(s.stdout, /code produced data .* but is still linked to .* \(run `rat sync` to record it\)/);
    const sync = await ratOk(repo, ['sync']);
    assert.match(sync.stdout, /recorded the data of HEAD/);
    assert.equal((await catalog.link(sha))?.dataHash, head);
    assert.match((await ratOk(repo, ['status'])).stdout, /in step/);
  });
});
