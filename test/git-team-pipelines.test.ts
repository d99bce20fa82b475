/**
 * Pipelines on parallel branches, as a team works with `examples/shop`: the real git binary, the installed hooks, the
 * `rat` CLI and a real server. Two feature branches run the pipeline; merging their code merges their data, and the
 * derived tables both changed are rebuilt with the merged code in one catalog commit per merge.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEngine } from '@ratatouille/engine';
import type { TestServer } from './support/server.ts';
import { run, useLockstepRepo, type Catalog, type LockstepFixture, type Repo, type Run } from './git-support.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A shop repository set up with `rat init` against a fresh server, for the enclosing `describe`: `main` run, then
 * feat-a (new orders) and feat-b (a new column in a gold model) each branched from main and run.
 */
function useTeamRepo(o: Omit<Parameters<typeof useLockstepRepo>[0], 'prefix' | 'copy'> = {}): LockstepFixture {
  const t = useLockstepRepo({ ...o, prefix: 'rat-team-', copy: path.join(root, 'examples', 'shop') });
  before(async () => {
    const repo = t.repo;
    await ratOk(repo, ['run']);
    await repo.ok('checkout', '-b', 'feat-a');
    await repo.commitFile(
      'landing/orders/orders_2024-03-03.csv',
      'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n1009,C004,P03,4,4.50,shipped,2024-03-03 10:00:00\n',
      'orders of March 3',
    );
    await ratOk(repo, ['run']);
    await repo.ok('checkout', 'main');
    await repo.ok('checkout', '-b', 'feat-b');
    await edit(repo, 'gold/daily_revenue.sql', (s) =>
      s.replace('count(*) AS orders,', 'count(*) AS orders,\n  count(DISTINCT customer_id) AS customers,'),
    );
    await repo.ok('commit', '-q', '-am', 'daily revenue: customers per day');
    const b = await ratOk(repo, ['run']);
    assert.doesNotMatch(b.stdout + b.stderr, /SCHEMA_MISMATCH/);
    await repo.ok('checkout', 'main');
  });
  return t;
}

async function edit(repo: Repo, file: string, f: (s: string) => string): Promise<void> {
  const p = path.join(repo.dir, file);
  const before = readFileSync(p, 'utf8');
  const after = f(before);
  assert.notEqual(after, before, `edit of ${file} changed nothing`);
  writeFileSync(p, after);
}

async function ratOk(repo: Repo, args: string[]): Promise<Run> {
  const r = await repo.rat(args);
  assert.equal(r.code, 0, `rat ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
  return r;
}

async function query(server: TestServer, branch: string, sql: string): Promise<Record<string, unknown>[]> {
  const eng = await openEngine({ server: server.url, branch });
  try {
    return await eng.query(sql);
  } finally {
    await eng.close();
  }
}

/** What both merges must leave on main: feat-a's day and feat-b's column, computed by the merged code. */
async function assertMergedState(server: TestServer): Promise<void> {
  const rows = await query(
    server,
    'main',
    'SELECT CAST(order_date AS VARCHAR) AS d, customers FROM gold.daily_revenue ORDER BY order_date',
  );
  assert.deepEqual(
    rows.map((r) => r.d),
    ['2024-03-01', '2024-03-02', '2024-03-03'],
  );
  assert.ok(
    rows.every((r) => Number(r.customers) >= 1),
    JSON.stringify(rows),
  );
}

describe('pipelines on parallel branches: merging code merges data, derived tables are rebuilt (real git, real server)', function () {
  this.timeout(900_000);

  describe('with hooks', () => {
    const t = useTeamRepo();
    let server: TestServer;
    let catalog: Catalog;
    let repo: Repo;

    before(async () => {
      ({ server, catalog, repo } = t);
      // Two more branches from the same main: one overwrites source data, one breaks a data test once merged.
      await repo.ok('checkout', '-b', 'feat-c');
      await edit(repo, 'landing/orders/orders_2024-03-01.csv', (s) =>
        s.replace('1001,C001,P01,2,', '1001,C001,P01,5,'),
      );
      await repo.ok('commit', '-q', '-am', 'corrected order 1001');
      await ratOk(repo, ['run']);
      await repo.ok('checkout', 'main');
      await repo.ok('checkout', '-b', 'feat-d');
      await edit(repo, 'gold/fct_orders.sql', (s) =>
        s
          .replace('  o.quantity,\n', '  o.quantity,\n  o.unit_price,\n')
          .replace(
            'tests:\n',
            `tests:\n  - sql: { name: only_first_days, sql: "SELECT * FROM {{ this }} WHERE order_date > DATE '2024-03-02'" }\n`,
          ),
      );
      await repo.ok('commit', '-q', '-am', 'order facts: unit price');
      await ratOk(repo, ['run']);
      await repo.ok('checkout', 'main');
    });

    it('merging feat-a merges its data (clean), in one catalog commit', async () => {
      const before = await catalog.head('main');
      await repo.ok('merge', '--no-ff', '-m', 'Merge branch feat-a', 'feat-a');
      const head = (await catalog.call('GET', '/api/v2/trees/main/history?max-records=1')).body.logEntries[0]
        .commitMeta;
      assert.equal(head.parentCommitHashes[0], before, 'one commit on main for the merge');
      assert.equal(head.allProperties['rat.git.source-branch'].at(-1), 'feat-a');
      const days = await query(server, 'main', 'SELECT count(*) AS n FROM gold.daily_revenue');
      assert.equal(Number(days[0].n), 3);
    });

    it('merging feat-b rebuilds gold.daily_revenue with the merged code, in one catalog commit', async () => {
      const before = await catalog.head('main');
      const r = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-b', 'feat-b');
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, /rebuilt with the merged code: .*gold\.daily_revenue/);
      await assertMergedState(server);
      // Both branches' run records reach main (the append-only engine tables never block a merge).
      const runs = await query(server, 'main', 'SELECT DISTINCT branch FROM _rat.runs ORDER BY branch');
      for (const b of ['feat-a', 'feat-b', 'main'])
        assert.ok(
          runs.some((x) => x.branch === b),
          JSON.stringify(runs),
        );
      const log = await catalog.call('GET', `/api/v2/trees/main/history?max-records=5`);
      const headCommit = log.body.logEntries[0].commitMeta;
      assert.equal(headCommit.parentCommitHashes[0], before, 'one commit on main for the merge');
      assert.equal(headCommit.allProperties['rat.git.source-branch'].at(-1), 'feat-b');
      const temps = (await catalog.call('GET', '/api/v2/trees')).body.references.filter((x: { name: string }) =>
        x.name.startsWith('rat-merge-'),
      );
      assert.deepEqual(temps, [], 'the temporary branch is gone');
      const status = await repo.rat(['status']);
      assert.equal(status.code, 0, status.stdout);
    });

    it('a rat run on main afterwards finds nothing to do: no table but the run record changes', async () => {
      const before = await catalog.head('main');
      const r = await ratOk(repo, ['run']);
      assert.match(r.stdout, /gold\.daily_revenue\s+0 rows, 0 files, unchanged/);
      const diff = await catalog.call('GET', `/api/v2/trees/main@${before}/diff/main`);
      assert.deepEqual(
        diff.body.diffs.map((d: { key: { elements: string[] } }) => d.key.elements.join('.')),
        ['_rat.runs'],
      );
    });

    it('a branch that overwrote bronze.orders differently is refused with the table named; main unchanged', async () => {
      const before = await catalog.head('main');
      const codeBefore = await repo.head();
      const r = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-c', 'feat-c');
      assert.notEqual(r.code, 0, 'the code merge is stopped');
      assert.match(r.stderr, /merge stopped: the DATA .* bronze\.orders/);
      assert.equal(await catalog.head('main'), before);
      await repo.ok('merge', '--abort');
      assert.equal(await repo.head(), codeBefore);
    });

    it('a rebuild whose data test fails stops the code merge, names the model, and leaves main unchanged', async () => {
      const before = await catalog.head('main');
      const codeBefore = await repo.head();
      const r = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-d', 'feat-d');
      assert.notEqual(r.code, 0, 'the code merge is stopped');
      assert.match(r.stderr, /rebuilding gold\.fct_orders with the merged code failed: .*only_first_days/);
      assert.equal(await catalog.head('main'), before);
      await repo.ok('merge', '--abort');
      assert.equal(await repo.head(), codeBefore);
      await assertMergedState(server);
    });
  });

  describe('on a forge (no hooks ran): rat sync on main', () => {
    const t = useTeamRepo();

    it('merges both branches, rebuilding what both changed, and ends in the same state', async () => {
      const { server, catalog, repo } = t;
      const noHooks = { cwd: repo.dir, env: { RAT_SKIP_HOOKS: '1' } };
      for (const b of ['feat-a', 'feat-b']) {
        const m = await run('git', ['merge', '--no-ff', '-m', `Merge pull request #1 from org/${b}`, b], noHooks);
        assert.equal(m.code, 0, m.stderr);
      }
      const before = await catalog.head('main');
      const sync = await ratOk(repo, ['sync']);
      assert.match(sync.stdout, /rebuilt with the merged code: .*gold\.daily_revenue/);
      await assertMergedState(server);
      // One catalog commit per code merge: feat-b's on top of feat-a's on top of where main was.
      const log = (await catalog.call('GET', '/api/v2/trees/main/history?max-records=20')).body.logEntries.map(
        (e: { commitMeta: { hash: string; parentCommitHashes: string[]; allProperties: Record<string, string[]> } }) =>
          e.commitMeta,
      );
      const [last] = log;
      const previous = log.find((c: { hash: string }) => c.hash === last.parentCommitHashes[0]);
      assert.equal(last.allProperties['rat.git.source-branch'].at(-1), 'feat-b');
      assert.equal(previous.allProperties['rat.git.source-branch'].at(-1), 'feat-a');
      assert.equal(previous.parentCommitHashes[0], before);
      const again = await ratOk(repo, ['sync']);
      assert.doesNotMatch(again.stdout, /merged data/);
      const status = await repo.rat(['status']);
      assert.equal(status.code, 0, status.stdout);
    });
  });

  describe('on a forge with a webhook: the server merges what merges, rat sync finishes the rebuild', () => {
    const SECRET = 'forge-secret';
    // feat-a's data lives on an explicitly mapped data branch: the webhook must find it through the same mapping.
    const t = useTeamRepo({
      server: { webhookSecret: SECRET },
      config: '\nbranches:\n  map:\n    feat-a: ana/orders\n',
    });
    const pullRequestMerged = (source: string, mergeSha: string, delivery: string) => {
      const body = JSON.stringify({
        action: 'closed',
        pull_request: {
          number: 7,
          merged: true,
          head: { ref: source },
          base: { ref: 'main' },
          merge_commit_sha: mergeSha,
        },
      });
      return t.catalog.call('POST', '/webhooks/github?map=feat-a:ana/orders', body, {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': delivery,
        'x-hub-signature-256': 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex'),
      });
    };

    it('maps feat-a by branches.map, records feat-b as pending, and rat sync ends in the merged state', async () => {
      const { server, catalog, repo } = t;
      assert.ok(await catalog.head('ana/orders'), 'feat-a ran on its mapped data branch');
      const noHooks = { cwd: repo.dir, env: { RAT_SKIP_HOOKS: '1' } };
      const shas: string[] = [];
      for (const b of ['feat-a', 'feat-b']) {
        const m = await run('git', ['merge', '--no-ff', '-m', `Merge pull request #7 from org/${b}`, b], noHooks);
        assert.equal(m.code, 0, m.stderr);
        shas.push(await repo.head());
      }

      const a = await pullRequestMerged('feat-a', shas[0]!, 'd-a');
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(a.body.status, 'merged');
      assert.equal(a.body.source, 'ana/orders');

      const before = await catalog.head('main');
      const b = await pullRequestMerged('feat-b', shas[1]!, 'd-b');
      assert.equal(b.status, 202, JSON.stringify(b.body));
      assert.equal(b.body.status, 'pending');
      assert.equal(b.body.pending.state, 'rebuild');
      assert.ok(b.body.pending.tables.includes('gold.daily_revenue'), JSON.stringify(b.body));
      assert.deepEqual(b.body.pending.blocking, []);
      // Everything else merged in one commit; the derived tables wait at main's version.
      const partial = await catalog.head('main');
      assert.equal(b.body.hash, partial);
      assert.notEqual(partial, before);
      const stale = await query(server, 'main', 'SELECT * FROM gold.daily_revenue');
      assert.ok(!('customers' in stale[0]!), 'gold.daily_revenue not rebuilt by the server');
      const again = await pullRequestMerged('feat-b', shas[1]!, 'd-b2');
      assert.equal(again.status, 202);
      assert.equal(await catalog.head('main'), partial, 'a second event for the same merge changes nothing');

      const out = await repo.rat(['status']);
      assert.equal(out.code, 1, out.stdout);
      assert.match(out.stdout, /feat-b.*gold\.daily_revenue/);

      const sync = await ratOk(repo, ['sync']);
      assert.match(sync.stdout, /rebuilt with the merged code: .*gold\.daily_revenue/);
      await assertMergedState(server);
      const head = (await catalog.call('GET', '/api/v2/trees/main/history?max-records=1')).body.logEntries[0]
        .commitMeta;
      assert.equal(head.parentCommitHashes[0], partial, 'the rebuild is one commit on main');
      const pending = await catalog.call('GET', '/api/v2/git/pending-merges?target=main');
      assert.deepEqual(pending.body.pendingMerges, []);
      assert.equal((await catalog.link(shas[1]!))?.dataHash, await catalog.head('main'));
      assert.equal((await repo.rat(['status'])).code, 0);
      const rerun = await ratOk(repo, ['run']);
      assert.match(rerun.stdout, /gold\.daily_revenue\s+0 rows, 0 files, unchanged/);
    });
    it('a branch that overwrote bronze.orders: nothing merged, reported by rat status, settled by rat sync --resolve', async () => {
      const { catalog, repo } = t;
      await repo.ok('checkout', '-b', 'feat-c');
      await edit(repo, 'landing/orders/orders_2024-03-01.csv', (x) =>
        x.replace('1001,C001,P01,2,', '1001,C001,P01,5,'),
      );
      await repo.ok('commit', '-q', '-am', 'corrected order 1001');
      await ratOk(repo, ['run']);
      await repo.ok('checkout', 'main');
      await repo.commitFile(
        'landing/orders/orders_2024-03-05.csv',
        'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n1011,C001,P02,1,9.90,shipped,2024-03-05 11:00:00\n',
        'orders of March 5',
      );
      await ratOk(repo, ['run']);
      const m = await run('git', ['merge', '--no-ff', '-m', 'Merge pull request #8 from org/feat-c', 'feat-c'], {
        cwd: repo.dir,
        env: { RAT_SKIP_HOOKS: '1' },
      });
      assert.equal(m.code, 0, m.stderr);
      const before = await catalog.head('main');
      const r = await pullRequestMerged('feat-c', await repo.head(), 'd-c');
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.equal(r.body.pending.state, 'conflict');
      assert.ok(r.body.pending.blocking.includes('bronze.orders'), JSON.stringify(r.body));
      assert.ok(!r.body.pending.blocking.includes('gold.daily_revenue'), 'derived tables do not block');
      assert.equal(await catalog.head('main'), before, 'nothing merged');

      const status = await repo.rat(['status']);
      assert.equal(status.code, 1);
      assert.match(status.stdout, /feat-c.*not merged: .*bronze\.orders/);
      const sync = await repo.rat(['sync']);
      assert.equal(sync.code, 1, sync.stdout);
      assert.match(sync.stdout + sync.stderr, /bronze\.orders/);
      assert.equal(await catalog.head('main'), before);

      await ratOk(repo, ['sync', '--resolve', 'ours']);
      const pending = await catalog.call('GET', '/api/v2/git/pending-merges?target=main');
      assert.deepEqual(pending.body.pendingMerges, []);
      const kept = await query(t.server, 'main', 'SELECT quantity FROM bronze.orders WHERE order_id = 1001');
      assert.deepEqual(
        kept.map((x) => Number(x.quantity)),
        [2],
      );
      assert.equal((await repo.rat(['status'])).code, 0);
    });
  });

  describe('a fast-forward (no pre-merge-commit): the rebuild runs in post-merge', () => {
    const t = useTeamRepo();

    it('main ran on new input without a code commit; fast-forwarding feat-b rebuilds the revenue on main', async () => {
      const { server, catalog, repo } = t;
      writeFileSync(
        path.join(repo.dir, 'landing', 'orders', 'orders_2024-03-04.csv'),
        'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n1010,C002,P01,1,19.90,pending,2024-03-04 09:00:00\n',
      );
      await ratOk(repo, ['run']);
      const before = await catalog.head('main');
      const r = await repo.git('merge', '--ff-only', 'feat-b');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Fast-forward/);
      assert.match(r.stderr, /rebuilt with the merged code: .*gold\.daily_revenue/);
      const rows = await query(
        server,
        'main',
        'SELECT CAST(order_date AS VARCHAR) AS d, customers FROM gold.daily_revenue ORDER BY 1',
      );
      assert.deepEqual(
        rows.map((x) => x.d),
        ['2024-03-01', '2024-03-02', '2024-03-04'],
      );
      assert.equal(rows[2].customers, '1');
      const head = (await catalog.call('GET', '/api/v2/trees/main/history?max-records=1')).body.logEntries[0]
        .commitMeta;
      assert.equal(head.parentCommitHashes[0], before, 'one commit on main');
      assert.equal((await repo.rat(['status'])).code, 0);
    });
  });
});
