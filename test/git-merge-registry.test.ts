/**
 * A data conflict on a bronze table settled by taking one side keeps that side's table, while the file registry
 * (`_rat.ingest_files`) is merged by replaying both sides' appends: it then lists the other side's landing file as
 * ingested. The next `rat run` must notice that the table lacks it and read it again, not skip it for good. Real git
 * with the installed hooks, the `rat` CLI and a real server, on `examples/shop`.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useLockstepRepo, type Repo } from './git-support.ts';
import { edit, query, ratOk } from './git-team-support.ts';

const shop = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'shop');

/** A branch from main whose landing file sets `order`'s quantity to `quantity`, committed and run. */
async function branchSettingQuantity(repo: Repo, name: string, file: string, row: string, quantity: number) {
  await repo.ok('checkout', '-q', '-b', name, 'main');
  await edit(repo, `landing/orders/${file}`, (s) => s.replace(row, row.replace(/,\d+,$/, `,${quantity},`)));
  await repo.ok('commit', '-q', '-am', `${name}: order quantity ${quantity}`);
  await ratOk(repo, ['run']);
  await repo.ok('checkout', '-q', 'main');
}

for (const side of ['theirs', 'ours'] as const) {
  describe(`rat sync --resolve ${side} on bronze.orders, then rat run: no landing change is lost (real git, real server)`, function () {
    this.timeout(600_000);
    const t = useLockstepRepo({ prefix: `rat-registry-${side}-`, copy: shop });
    let repo: Repo;

    before(async () => {
      repo = t.repo;
      await ratOk(repo, ['run']);
      await branchSettingQuantity(repo, 'fix-1001', 'orders_2024-03-01.csv', '1001,C001,P01,2,', 7);
      await branchSettingQuantity(repo, 'fix-1005', 'orders_2024-03-02.csv', '1005,C002,P03,10,', 3);
      await repo.ok('merge', '--no-ff', '-q', '-m', 'Merge branch fix-1001', 'fix-1001');
      const stopped = await repo.git('merge', '--no-ff', '-m', 'Merge branch fix-1005', 'fix-1005');
      assert.notEqual(stopped.code, 0, 'the second merge stops on bronze.orders');
      assert.match(stopped.stderr, /bronze\.orders/);
      await repo.ok('commit', '-q', '--no-edit');
      await ratOk(repo, ['sync', '--resolve', side, '--yes']);
    });

    it('the next rat run re-ingests the file the kept table lacks; bronze, silver and gold have both changes', async () => {
      const r = await ratOk(repo, ['run']);
      assert.match(r.stdout, /bronze\.orders\s+\d+ rows, 1 files, 1 skipped/);
      for (const table of ['bronze.orders', 'silver.orders', 'gold.fct_orders']) {
        const rows = await query(
          t.server,
          'main',
          `SELECT CAST(order_id AS INTEGER) AS id, CAST(quantity AS INTEGER) AS q FROM ${table} WHERE order_id IN (1001, 1005) ORDER BY 1`,
        );
        assert.deepEqual(
          rows.map((x) => [x.id, x.q]),
          [
            [1001, 7],
            [1005, 3],
          ],
          table,
        );
      }
    });

    it('a run after that skips every landing file again', async () => {
      const r = await ratOk(repo, ['run']);
      assert.match(r.stdout, /bronze\.orders\s+0 rows, 0 files, 2 skipped/);
    });
  });
}
