/**
 * A model (and a source) refreshed in full on one branch (`rat run --full-refresh`, its SQL gained a column) merges after another
 * branch added rows to it: the real git binary, the hooks, the `rat` CLI and a real server, with `examples/shop`. The
 * merge with rebuild refreshes silver.orders on main's version too, so every order, feat-a's included, has the new
 * column computed by the merged SQL; built incrementally there, the new column would stop the merge.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { edit, query, ratOk, useTeamRepo } from './git-team-support.ts';

describe('a model or source refreshed in full on one branch merges with rows another added (real git, real server)', function () {
  this.timeout(900_000);
  const t = useTeamRepo();

  it('feat-f adds silver.orders.amount_gross with --full-refresh; merged after feat-a, every order has it', async () => {
    const { repo, server } = t;
    await repo.ok('checkout', '-b', 'feat-f');
    await edit(repo, 'silver/orders.sql', (s) =>
      s.replace(
        '  quantity * unit_price AS amount,\n',
        '  quantity * unit_price AS amount,\n  round(quantity * unit_price * 1.2, 2) AS amount_gross,\n',
      ),
    );
    await repo.ok('commit', '-q', '-am', 'silver.orders: amount with VAT');
    const incremental = await repo.rat(['run']);
    assert.equal(incremental.code, 1, `${incremental.stdout}\n${incremental.stderr}`);
    assert.match(incremental.stdout + incremental.stderr, /SCHEMA_MISMATCH/);
    await ratOk(repo, ['run', 'silver.orders+', '--full-refresh']);
    await repo.ok('checkout', 'main');

    await repo.ok('merge', '--no-ff', '-m', 'Merge branch feat-a', 'feat-a');
    const m = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-f', 'feat-f');
    assert.equal(m.code, 0, `${m.stdout}\n${m.stderr}`);
    assert.match(m.stdout + m.stderr, /silver\.orders[^\n]*refreshed in full on feat-f/);

    const rows = await query(
      server,
      'main',
      'SELECT order_id, amount, amount_gross FROM silver.orders ORDER BY order_id',
    );
    assert.deepEqual(
      rows.map((r) => Number(r.order_id)),
      [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1009],
    );
    for (const r of rows) {
      assert.equal(Number(r.amount_gross), Math.round(Number(r.amount) * 1.2 * 100) / 100, JSON.stringify(r));
    }
    assert.equal((await repo.rat(['status'])).code, 0);
  });

  it('feat-s widens a source column with --full-refresh; merged after main ingested a new file, bronze holds every file once', async () => {
    const { repo, server } = t;
    await repo.ok('checkout', '-b', 'feat-s');
    await edit(repo, 'bronze/orders.yml', (s) => s.replace('quantity: INTEGER', 'quantity: BIGINT'));
    await repo.ok('commit', '-q', '-am', 'bronze.orders: quantities as BIGINT');
    await ratOk(repo, ['run', 'bronze.orders+', '--full-refresh']);
    await repo.ok('checkout', 'main');
    writeFileSync(
      path.join(repo.dir, 'landing/orders/orders_2024-03-04.csv'),
      'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n1010,C001,P01,2,3.50,shipped,2024-03-04 09:00:00\n',
    );
    await repo.ok('add', '.');
    await repo.ok('commit', '-q', '-m', 'orders of March 4');
    await ratOk(repo, ['run']);

    const m = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-s', 'feat-s');
    assert.equal(m.code, 0, `${m.stdout}\n${m.stderr}`);
    assert.match(m.stdout + m.stderr, /bronze\.orders[^\n]*refreshed in full on feat-s/);
    const perFile = async (branch: string) =>
      Object.fromEntries(
        (await query(server, branch, 'SELECT _source_file AS f, count(*) AS n FROM bronze.orders GROUP BY f')).map(
          (r) => [String(r.f), Number(r.n)],
        ),
      );
    // Every file once: feat-s's refreshed files as feat-s read them, and the file main ingested meanwhile.
    assert.deepEqual(await perFile('main'), {
      ...(await perFile('feat-s')),
      'landing/orders/orders_2024-03-04.csv': 1,
    });
    const bronze = await query(server, 'main', 'SELECT typeof(quantity) AS t FROM bronze.orders');
    assert.deepEqual([...new Set(bronze.map((r) => r.t))], ['BIGINT']);
    const silver = await query(server, 'main', 'SELECT count(*) AS n FROM silver.orders WHERE order_id = 1010');
    assert.equal(Number(silver[0]!.n), 1);
  });
});
