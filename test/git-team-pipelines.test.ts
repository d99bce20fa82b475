/**
 * Pipelines on parallel branches, as a team works with `examples/shop`: the real git binary, the installed hooks, the
 * `rat` CLI and a real server. Two feature branches run the pipeline; merging their code merges their data, and the
 * derived tables both changed are rebuilt with the merged code in one catalog commit per merge.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestServer } from './support/server.ts';
import { run, type Catalog, type Repo } from './git-support.ts';
import { assertMergedState, branchCorrectingOrder1001, edit, query, ratOk, useTeamRepo } from './git-team-support.ts';

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
      await branchCorrectingOrder1001(repo, 'feat-c');
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
      const stopped = await repo.rat(['status']);
      assert.equal(stopped.code, 1, stopped.stdout);
      assert.match(stopped.stdout, /a git merge is in progress \(not committed\)/);
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

    it('two branches that landed the same orders file merge one after the other: one row per order in silver', async () => {
      const day5 =
        'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n' +
        '1020,C001,P01,1,19.90,shipped,2024-03-05 09:00:00\n1021,C002,P02,2,149.00,pending,2024-03-05 11:00:00\n';
      for (const b of ['feat-e', 'feat-f']) {
        await repo.ok('checkout', '-b', b);
        await repo.commitFile('landing/orders/orders_2024-03-05.csv', day5, `orders of March 5 (${b})`);
        await ratOk(repo, ['run']);
        await repo.ok('checkout', 'main');
      }
      await repo.ok('merge', '--no-ff', '-m', 'Merge branch feat-e', 'feat-e');
      // silver.orders upserted the same keys on both branches: replaying feat-f's upsert would duplicate them, so the
      // merge rebuilds it (and what reads it) with the merged code instead.
      const r = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-f', 'feat-f');
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, /rebuilt with the merged code: .*silver\.orders/);
      for (const table of ['silver.orders', 'gold.fct_orders']) {
        const [c] = await query(server, 'main', `SELECT count(*) AS n, count(DISTINCT order_id) AS d FROM ${table}`);
        assert.equal(Number(c.n), Number(c.d), `${table}: one row per order_id`);
        const [k] = await query(server, 'main', `SELECT count(*) AS n FROM ${table} WHERE order_id IN (1020, 1021)`);
        assert.equal(Number(k.n), 2, table);
      }
    });

    it('a branch updated from main (git merge main) keeps its data when merged back after main moved on', async () => {
      const land = async (branch: string, day: number, order: number) => {
        await repo.ok('checkout', '-b', branch);
        await repo.commitFile(
          `landing/orders/orders_2024-03-0${day}.csv`,
          `order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n${order},C001,P01,1,19.90,shipped,2024-03-0${day} 09:00:00\n`,
          `orders of March ${day}`,
        );
        await ratOk(repo, ['run']);
      };
      await land('feat-g', 6, 1060);
      await repo.ok('checkout', 'main');
      await land('feat-h', 7, 1070);
      await repo.ok('checkout', 'main');
      await repo.ok('merge', '--no-ff', '-m', 'Merge branch feat-h', 'feat-h');
      await repo.ok('checkout', 'feat-g');
      await repo.ok('merge', '--no-ff', '-m', 'Merge branch main into feat-g', 'main');
      await repo.ok('checkout', 'main');
      await land('feat-i', 8, 1080);
      await repo.ok('checkout', 'main');
      await repo.ok('merge', '--no-ff', '-m', 'Merge branch feat-i', 'feat-i');
      const r = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-g', 'feat-g');
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      for (const table of ['bronze.orders', 'silver.orders', 'gold.fct_orders']) {
        const rows = await query(server, 'main', `SELECT order_id FROM ${table} WHERE order_id >= 1060 ORDER BY 1`);
        assert.deepEqual(
          rows.map((x) => Number(x.order_id)),
          [1060, 1070, 1080],
          table,
        );
      }
    });

    it('two branches that ingested the same landing file merge one after the other: bronze holds its rows once', async () => {
      const file = 'landing/orders/orders_2024-03-09.csv';
      const day9 =
        'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n' +
        '1090,C001,P01,1,19.90,shipped,2024-03-09 09:00:00\n1091,C002,P02,2,149.00,pending,2024-03-09 11:00:00\n';
      for (const b of ['feat-j', 'feat-k']) {
        await repo.ok('checkout', '-b', b);
        await repo.commitFile(file, day9, `orders of March 9 (${b})`);
        await ratOk(repo, ['run']);
        await repo.ok('checkout', 'main');
      }
      await repo.ok('merge', '--no-ff', '-m', 'Merge branch feat-j', 'feat-j');
      const r = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-k', 'feat-k');
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      const state = async () => {
        const [b] = await query(
          server,
          'main',
          `SELECT count(*) AS n FROM bronze.orders WHERE _source_file = '${file}'`,
        );
        const [all] = await query(server, 'main', 'SELECT count(*) AS n FROM bronze.orders');
        const [reg] = await query(
          server,
          'main',
          `SELECT count(*) AS n FROM _rat.ingest_files WHERE target = 'bronze.orders' AND path = '${file}' AND status = 'ingested'`,
        );
        return { file: Number(b.n), all: Number(all.n), registered: Number(reg.n) };
      };
      const merged = await state();
      assert.deepEqual({ file: merged.file, registered: merged.registered }, { file: 2, registered: 1 });
      for (const table of ['silver.orders', 'gold.fct_orders']) {
        const [k] = await query(server, 'main', `SELECT count(*) AS n FROM ${table} WHERE order_id IN (1090, 1091)`);
        assert.equal(Number(k.n), 2, table);
      }
      const [day] = await query(
        server,
        'main',
        "SELECT orders FROM gold.daily_revenue WHERE order_date = DATE '2024-03-09'",
      );
      assert.equal(Number(day.orders), 2);
      // The registry and the table agree: a run on main ingests nothing.
      await ratOk(repo, ['run']);
      assert.deepEqual(await state(), merged);
    });

    it('a run that ingested a file both branches landed together with its own: the merge re-ingests, rows once', async () => {
      const csv = (day: number, order: number) =>
        'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n' +
        `${order},C001,P01,1,19.90,shipped,2024-03-${day} 09:00:00\n`;
      const shared = 'landing/orders/orders_2024-03-10.csv';
      const own = 'landing/orders/orders_2024-03-11.csv';
      await repo.ok('checkout', '-b', 'feat-l');
      await repo.commitFile(shared, csv(10, 1100), 'orders of March 10');
      await ratOk(repo, ['run']);
      await repo.ok('checkout', 'main');
      await repo.ok('checkout', '-b', 'feat-m');
      await repo.commitFile(shared, csv(10, 1100), 'orders of March 10 (feat-m)');
      await repo.commitFile(own, csv(11, 1110), 'orders of March 11');
      await ratOk(repo, ['run']);
      await repo.ok('checkout', 'main');
      await repo.ok('merge', '--no-ff', '-m', 'Merge branch feat-l', 'feat-l');
      // feat-m's bronze append holds both files and cannot be split: main keeps its bronze.orders and the merge
      // re-ingests the files it lacks (March 11) or holds from another ingest than the registry's latest.
      const r = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-m', 'feat-m');
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, /rebuilt with the merged code: .*bronze\.orders/);
      const byFile = async () =>
        (
          await query(
            server,
            'main',
            `SELECT _source_file AS f, count(*) AS n FROM bronze.orders WHERE _source_file IN ('${shared}', '${own}') GROUP BY 1 ORDER BY 1`,
          )
        ).map((x) => [String(x.f), Number(x.n)]);
      const merged = await byFile();
      assert.deepEqual(merged, [
        [shared, 1],
        [own, 1],
      ]);
      for (const table of ['silver.orders', 'gold.fct_orders']) {
        const rows = await query(server, 'main', `SELECT order_id FROM ${table} WHERE order_id >= 1100 ORDER BY 1`);
        assert.deepEqual(
          rows.map((x) => Number(x.order_id)),
          [1100, 1110],
          table,
        );
      }
      const [all] = await query(server, 'main', 'SELECT count(*) AS n FROM bronze.orders');
      await ratOk(repo, ['run']);
      assert.deepEqual(await byFile(), merged);
      const [again] = await query(server, 'main', 'SELECT count(*) AS n FROM bronze.orders');
      assert.equal(Number(again.n), Number(all.n), 'a run on main ingests nothing');
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
