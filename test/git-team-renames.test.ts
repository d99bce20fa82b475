/**
 * A column renamed by a model on one branch survives the data merge with its values: the real git binary, the hooks,
 * the `rat` CLI and a real server, with `examples/shop`. silver.orders (incremental, `sync_all_columns`) shows
 * `unit_price AS price` on feat-r while feat-a adds orders; after both merges main has `price` for every order.
 */
import assert from 'node:assert/strict';
import { openEngine } from '@ratatouille/engine';
import { edit, ratOk, useTeamRepo } from './git-team-support.ts';

describe('a column renamed on one branch keeps its data through the merge (real git, real server)', function () {
  this.timeout(900_000);
  const t = useTeamRepo();

  it('feat-r renames silver.orders.unit_price to price by field id; merged after feat-a, every order has its price', async () => {
    const { repo, server } = t;
    await repo.ok('checkout', '-b', 'feat-r');
    await edit(repo, 'silver/orders.sql', (s) =>
      s
        .replace('materialized: incremental\n', 'materialized: incremental\non_schema_change: sync_all_columns\n')
        .replace('  unit_price,\n', '  unit_price AS price,\n'),
    );
    await repo.ok('commit', '-q', '-am', 'silver.orders: unit_price is called price');
    await ratOk(repo, ['run']);
    await repo.ok('checkout', 'main');

    await repo.ok('merge', '--no-ff', '-m', 'Merge branch feat-a', 'feat-a');
    const m = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-r', 'feat-r');
    assert.equal(m.code, 0, `${m.stdout}\n${m.stderr}`);

    const eng = await openEngine({ server: server.url, branch: 'main' });
    try {
      const cols = (await eng.query(`SELECT * FROM silver.orders LIMIT 1`))[0]!;
      assert.ok('price' in cols && !('unit_price' in cols), Object.keys(cols).join());
      const rows = await eng.query(`SELECT order_id, price FROM silver.orders ORDER BY order_id`);
      assert.deepEqual(
        rows.map((r) => Number(r.order_id)),
        [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1009],
      );
      assert.ok(
        rows.every((r) => r.price !== null),
        JSON.stringify(rows),
      );
      assert.equal(Number(rows.find((r) => Number(r.order_id) === 1009)?.price), 4.5);
    } finally {
      await eng.close();
    }
    assert.equal((await repo.rat(['status'])).code, 0);
  });
});
