/**
 * A project written as dbt writes one (`examples/cafe`: seeds, macros returning lists, staging and marts, generic and
 * singular tests, dbt_utils' tests and surrogate keys, a snapshot, an exposure) runs as it is with the real CLI
 * against a real server.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from './support/server.ts';
import { runRat } from './support/rat-cli.ts';
import { queryBranch } from './support/engine-queries.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('engine: a dbt-style project (examples/cafe) runs as it is (real CLI, real server)', function () {
  this.timeout(600_000);
  let server: TestServer;
  let dir = '';
  const rat = (...args: string[]) => runRat(dir, [...args, '--server', server.url]);

  before(async () => {
    server = await startTestServer();
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-cafe-'));
    cpSync(path.join(root, 'examples', 'cafe'), dir, { recursive: true });
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds seeds, staging, marts and the snapshot, and every test passes', async () => {
    const r = await rat('run', '--json');
    assert.equal(r.code, 0, r.out);
    const report = JSON.parse(r.stdout) as { steps: { step: string }[]; tests: { test: string; passed: boolean }[] };
    assert.deepEqual(report.steps.map((s) => s.step).sort(), [
      'bronze.raw_customers',
      'bronze.raw_orders',
      'bronze.raw_payments',
      'gold.customers',
      'gold.orders',
      'silver.customers_history',
      'silver.stg_customers',
      'silver.stg_orders',
      'silver.stg_payments',
    ]);
    assert.deepEqual(
      report.tests.filter((t) => !t.passed),
      [],
    );
    assert.ok(report.tests.some((t) => t.test === 'sql:order_amounts_match_payments'));
    assert.ok(report.tests.some((t) => t.test === 'not_negative(amount)'));
    assert.ok(report.tests.some((t) => t.test === 'dbt_utils.accepted_range(amount)'));
    // What its dashboard (an exposure) reads, and everything that reads in turn.
    const dashboard = await rat('run', '+exposure:till_dashboard', '--dry-run', '--json');
    assert.equal(dashboard.code, 0, dashboard.out);
    assert.deepEqual((JSON.parse(dashboard.stdout) as { steps: Array<{ id: string }> }).steps.map((s) => s.id).sort(), [
      'bronze.raw_customers',
      'bronze.raw_orders',
      'bronze.raw_payments',
      'gold.customers',
      'gold.orders',
      'silver.stg_customers',
      'silver.stg_orders',
      'silver.stg_payments',
    ]);
    // Its models sit in dbt's folders (silver/staging/, gold/marts/), tagged by rat.yaml's folder settings.
    const staging = await rat('run', 'tag:staging', '--dry-run', '--json');
    assert.equal(staging.code, 0, staging.out);
    assert.deepEqual((JSON.parse(staging.stdout) as { steps: Array<{ id: string }> }).steps.map((s) => s.id).sort(), [
      'silver.stg_customers',
      'silver.stg_orders',
      'silver.stg_payments',
    ]);
    const orders = await queryBranch(
      server,
      'main',
      'SELECT order_id, credit_card_amount, gift_card_amount, coupon_amount, amount FROM gold.orders ORDER BY order_id',
    );
    assert.deepEqual(
      orders.map((o) => [
        Number(o.order_id),
        Number(o.credit_card_amount),
        Number(o.gift_card_amount),
        Number(o.coupon_amount),
        Number(o.amount),
      ]),
      [
        [101, 12.5, 5, 0, 17.5],
        [102, 0, 0, 0, 20],
        [103, 8, 0, 0, 8],
        [104, 17, 0, 3, 20],
        [105, 9.9, 0, 0, 9.9],
      ],
    );
    const ada = await queryBranch(server, 'main', 'SELECT * FROM gold.customers WHERE customer_id = 1');
    // Ada's returned order does not count; her key is the one dbt_utils would make (md5 of the id as text).
    assert.deepEqual([Number(ada[0]!.number_of_orders), Number(ada[0]!.lifetime_value)], [3, 27.4]);
    assert.equal(ada[0]!.customer_key, createHash('md5').update('1').digest('hex'));
    const history = await queryBranch(
      server,
      'main',
      'SELECT count(*) AS n FROM silver.customers_history WHERE dbt_valid_to IS NULL',
    );
    assert.equal(Number(history[0]!.n), 4);
  });

  it('compiles gold.orders with the macro list unrolled', async () => {
    // dbt's spelling: -s and a model's name alone.
    const r = await rat('compile', '-s', 'orders');
    assert.equal(r.code, 0, r.out);
    for (const m of ['credit_card', 'coupon', 'bank_transfer', 'gift_card']) {
      assert.match(
        r.stdout,
        new RegExp(`sum\\(CASE WHEN payment_method = '${m}' THEN amount ELSE 0 END\\) AS ${m}_amount,`),
      );
    }
    assert.doesNotMatch(r.stdout, /\{\{|\{%/);
  });

  it("selects by dbt's tag: selector", async () => {
    const r = await rat('run', '--dry-run', '--json', '-s', 'tag:finance');
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { steps: { id: string }[] }).steps.map((s) => s.id),
      ['gold.customers'],
    );
  });

  it("lists the project's resources as dbt ls does (rat ls / rat list)", async () => {
    const r = await rat('ls', '--json');
    assert.equal(r.code, 0, r.out);
    const resources = (JSON.parse(r.stdout) as { resources: { type: string; id: string; tests?: string }[] }).resources;
    const ofType = (type: string) =>
      resources
        .filter((x) => x.type === type)
        .map((x) => x.id)
        .sort();
    assert.deepEqual(ofType('seed'), ['bronze.raw_customers', 'bronze.raw_orders', 'bronze.raw_payments']);
    assert.deepEqual(ofType('snapshot'), ['silver.customers_history']);
    assert.deepEqual(ofType('exposure'), ['till_dashboard', 'weekly_report']);
    assert.ok(
      resources.some((x) => x.type === 'test' && x.id === 'not_null_orders_order_id' && x.tests === 'gold.orders'),
    );
    assert.ok(resources.some((x) => x.type === 'test' && x.id === 'order_amounts_match_payments'));
    // A selector, resource types and dbt's names.
    const seeds = await rat('list', '+orders', '--resource-type', 'seed', 'model', '--output', 'name');
    assert.equal(seeds.code, 0, seeds.out);
    assert.deepEqual(seeds.stdout.trim().split('\n'), [
      'raw_orders',
      'raw_payments',
      'stg_orders',
      'stg_payments',
      'orders',
    ]);
  });
});
