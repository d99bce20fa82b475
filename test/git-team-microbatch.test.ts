/**
 * A microbatch model backfilled on two branches merges (real git, the hooks, the `rat` CLI, a real server,
 * `examples/shop`): each branch replaced one day's window of `gold.orders_by_day` after ingesting a late order of
 * that day; both rewrote the table's one file, so the catalog's merge stops on it, and the merge with rebuild refreshes
 * the model in full over the merged inputs. An incremental rebuild would build its lookback (today) only, leaving
 * feat-m's backfilled day as main had it.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { query, ratOk, useTeamRepo } from './git-team-support.ts';

const MODEL = [
  "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='day', batch_size='day',",
  "           begin='2024-03-01') }}",
  "SELECT CAST(date_trunc('day', ordered_at) AS TIMESTAMP) AS day, count(*) AS orders",
  "FROM {{ ref('silver.orders') }}",
  'GROUP BY 1',
  '',
].join('\n');

const HEADER = 'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n';

describe('a microbatch model backfilled on two branches merges (real git, real server)', function () {
  this.timeout(900_000);
  const t = useTeamRepo();

  it("each branch's backfilled day is in main's table after the merge, as the merged inputs count it", async () => {
    const { repo, server } = t;
    await repo.ok('checkout', 'main');
    await repo.commitFile('gold/orders_by_day.sql', MODEL, 'orders by day, in daily batches');
    await ratOk(repo, ['run', 'gold.orders_by_day']);
    const base = Object.fromEntries(
      (await query(server, 'main', 'SELECT CAST(day AS VARCHAR) AS day, orders FROM gold.orders_by_day')).map((r) => [
        String(r.day).slice(0, 10),
        Number(r.orders),
      ]),
    );
    /** A late order of `day` on the current branch, ingested, and the model's window of that day built again. */
    const lateOrder = async (id: number, day: string) => {
      writeFileSync(
        path.join(repo.dir, `landing/orders/orders_${day}_late.csv`),
        `${HEADER}${id},C001,P01,1,1.00,shipped,${day} 23:00:00\n`,
      );
      await repo.ok('add', '.');
      await repo.ok('commit', '-q', '-m', `a late order of ${day}`);
      await ratOk(repo, ['run']);
      const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      await ratOk(repo, ['run', 'gold.orders_by_day', '--event-time-start', day, '--event-time-end', next]);
    };
    await repo.ok('checkout', '-b', 'feat-m');
    await lateOrder(2001, '2024-03-02');
    await repo.ok('checkout', 'main');
    await lateOrder(2002, '2024-03-01');

    const m = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-m', 'feat-m');
    assert.equal(m.code, 0, `${m.stdout}\n${m.stderr}`);
    assert.match(m.stdout + m.stderr, /gold\.orders_by_day[^\n]*refreshed in full/);
    const counted = async (sql: string) =>
      (await query(server, 'main', sql)).map((r) => [String(r.day).slice(0, 10), Number(r.orders)]);
    const table = await counted('SELECT CAST(day AS VARCHAR) AS day, orders FROM gold.orders_by_day ORDER BY day');
    const inputs = await counted(
      "SELECT CAST(date_trunc('day', ordered_at) AS VARCHAR) AS day, count(*) AS orders FROM silver.orders GROUP BY 1 ORDER BY 1",
    );
    assert.deepEqual(table, inputs);
    // Both late orders are counted: main's of March 1 and feat-m's of March 2.
    const orders = Object.fromEntries(table);
    assert.equal(orders['2024-03-01'], base['2024-03-01']! + 1);
    assert.equal(orders['2024-03-02'], base['2024-03-02']! + 1);
  });
});
