/**
 * `rat show` (dbt's show): a model's first rows computed from the branch's tables as a run would compile it, inline
 * SQL with refs, sources, macros and vars, a source's table rows; nothing written; each refusal clear. Real CLI, real
 * server, examples/cafe.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from './support/server.ts';
import { runRat } from './support/rat-cli.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Preview {
  model: string;
  from: string;
  sql: string;
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
}

describe('rat show: previews of models and inline SQL on the data branch (real CLI, real server)', function () {
  this.timeout(600_000);
  let server: TestServer;
  let dir = '';
  const rat = (...args: string[]) => runRat(dir, [...args, '--server', server.url]);
  const previews = async (...args: string[]) => {
    const r = await rat('show', ...args, '--json');
    assert.equal(r.code, 0, r.out);
    return (JSON.parse(r.stdout) as { previews: Preview[] }).previews;
  };
  const mainHash = async () => {
    const r = await rat('branch', 'list', '--json');
    assert.equal(r.code, 0, r.out);
    return (JSON.parse(r.stdout) as { name: string; hash: string }[]).find((b) => b.name === 'main')!.hash;
  };

  before(async () => {
    server = await startTestServer();
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-show-'));
    cpSync(path.join(root, 'examples', 'cafe'), dir, { recursive: true });
    // An incremental model that reads only orders newer than its table's, and a source declared over a seed.
    writeFileSync(
      path.join(dir, 'gold', 'new_orders.sql'),
      `{{ config(materialized='incremental', unique_key='order_id') }}
SELECT order_id, amount FROM {{ ref('orders') }}
{% if is_incremental() %}WHERE order_id > (SELECT max(order_id) FROM {{ this }}){% endif %}
`,
    );
    mkdirSync(path.join(dir, 'analyses'));
    writeFileSync(
      path.join(dir, 'silver', 'sources.yml'),
      'version: 2\nsources:\n  - name: till\n    schema: bronze\n    tables:\n      - name: raw_orders\n' +
        // A schema written as a template: rat.yaml's vars or the command's --vars say where it is.
        `  - name: till_elsewhere\n    schema: "{{ var('till_schema', 'nowhere') }}"\n    tables:\n      - name: raw_orders\n`,
    );
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a model whose inputs the branch does not have yet, naming the input and the fix', async () => {
    const r = await rat('show', 'orders');
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /Table silver\.stg_\w+ does not exist on main; run its model first/);
  });

  it("shows a model's first rows as its table would hold them, and writes nothing", async () => {
    const run = await rat('run');
    assert.equal(run.code, 0, run.out);
    const before = await mainHash();
    const [p] = await previews('orders', '--limit', '3');
    assert.equal(p!.model, 'gold.orders');
    assert.equal(p!.from, 'select');
    assert.doesNotMatch(p!.sql, /\{\{|\{%/);
    assert.ok(
      p!.columns.some((c) => c.name === 'gift_card_amount'),
      JSON.stringify(p!.columns),
    );
    assert.equal(p!.rows.length, 3);
    const table = await previews('--inline', "SELECT * FROM {{ ref('orders') }} ORDER BY order_id LIMIT 3");
    assert.deepEqual(
      p!.rows.map((r) => r.order_id).sort(),
      table[0]!.rows.map((r) => r.order_id),
    );
    // The text form: a line naming the model and file, then a table.
    const text = await rat('show', 'gold.orders', '--limit', '2');
    assert.equal(text.code, 0, text.out);
    const lines = text.stdout.trim().split('\n');
    assert.equal(lines[0], 'gold.orders (gold/marts/orders.sql) on main: first 2 rows');
    assert.match(lines[1]!, /^\| order_id +\| customer_id +\|/);
    assert.match(lines[2]!, /^\| -+ \| -+ \|/);
    assert.equal(lines.length, 5);
    assert.equal(await mainHash(), before, 'rat show committed something');
  });

  it('renders is_incremental() as a run would: true over the built table, false under --full-refresh', async () => {
    const [incremental] = await previews('new_orders');
    assert.match(incremental!.sql, /WHERE order_id > \(SELECT max\(order_id\) FROM "gold"\."new_orders"\)/);
    assert.equal(incremental!.rows.length, 0);
    const [full] = await previews('new_orders', '--full-refresh', '--limit', '100');
    assert.doesNotMatch(full!.sql, /WHERE/);
    assert.equal(full!.rows.length, 5);
  });

  it('previews inline SQL with refs, sources by their dbt names, macros and vars', async () => {
    const [p] = await previews(
      '--inline',
      `SELECT o.status, count(*) AS n, {{ cents_to_euros('1250') }} AS euros, '{{ var("who", "nobody") }}' AS who
       FROM {{ source('till', 'raw_orders') }} AS o JOIN {{ ref('stg_orders') }} ON id = order_id GROUP BY 1 ORDER BY 1`,
      '--vars',
      '{who: team}',
      '--limit',
      '10',
    );
    assert.equal(p!.model, 'inline');
    assert.match(p!.sql, /FROM "bronze"\."raw_orders" AS o JOIN "silver"\."stg_orders"/);
    assert.deepEqual(
      p!.rows.map((r) => [r.status, Number(r.n), Number(r.euros), r.who]),
      [
        ['completed', 2, 12.5, 'team'],
        ['placed', 1, 12.5, 'team'],
        ['returned', 1, 12.5, 'team'],
        ['shipped', 1, 12.5, 'team'],
      ],
    );
  });

  it("renders a source's templated schema with the command's --vars", async () => {
    const inline = "SELECT count(*) AS n FROM {{ source('till_elsewhere', 'raw_orders') }}";
    const [p] = await previews('--inline', inline, '--vars', '{till_schema: bronze}');
    assert.equal(Number(p!.rows[0]!.n), 5);
    const r = await rat('show', '--inline', inline);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /Table nowhere\.raw_orders does not exist on main/);
  });

  it('shows and compiles an analysis (analyses/*.sql) by its name; a run builds none', async () => {
    writeFileSync(
      path.join(dir, 'analyses', 'orders_by_status.sql'),
      "SELECT status, count(*) AS n FROM {{ ref('stg_orders') }} GROUP BY 1 ORDER BY 1",
    );
    const [p] = await previews('orders_by_status', '--limit', '10');
    assert.equal(p!.model, 'orders_by_status');
    assert.deepEqual(
      p!.rows.map((r) => [r.status, Number(r.n)]),
      [
        ['completed', 2],
        ['placed', 1],
        ['returned', 1],
        ['shipped', 1],
      ],
    );
    const one = await rat('compile', 'orders_by_status', '--json');
    assert.equal(one.code, 0, one.out);
    assert.deepEqual(
      (JSON.parse(one.stdout) as { models: { model: string; file: string; sql: string }[] }).models.map((m) => [
        m.model,
        m.file,
        /FROM "silver"\."stg_orders"/.test(m.sql),
      ]),
      [['orders_by_status', 'analyses/orders_by_status.sql', true]],
    );
    // dbt's compile renders the analyses with the models; a run's plan has none of them.
    const all = await rat('compile', '--json');
    assert.ok(
      (JSON.parse(all.stdout) as { models: { model: string }[] }).models.some((m) => m.model === 'orders_by_status'),
    );
    const plan = await rat('run', '--dry-run', '--json');
    assert.doesNotMatch(plan.stdout, /orders_by_status/);
  });

  it("shows a source's table as the branch holds it, and several models at once", async () => {
    const shown = await previews('raw_orders', 'stg_payments', '--limit', '2');
    assert.deepEqual(
      shown.map((p) => [p.model, p.from, p.rows.length]),
      [
        ['bronze.raw_orders', 'table', 2],
        ['silver.stg_payments', 'select', 2],
      ],
    );
    assert.ok(shown[0]!.columns.some((c) => c.name === '_source_file'));
  });

  it('refuses what it cannot show, each with a clear message', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /name the models to show, or give --inline SQL/],
      [['orders', '--inline', 'SELECT 1'], /name the models to show, or give --inline SQL/],
      [['nope'], /Selector nope matches no model/],
      [['--inline', "SELECT * FROM {{ ref('ghost') }}"], /<inline>: ref\('ghost'\) names no model/],
      [['orders', '--branch', 'nobranch'], /404 REFERENCE_NOT_FOUND: Reference "nobranch" does not exist/],
      [['--limit', '0', 'orders'], /Give a whole number of rows from 1 to 10000/],
    ];
    for (const [args, message] of cases) {
      const r = await rat('show', ...args);
      assert.notEqual(r.code, 0, `${args.join(' ')}: ${r.out}`);
      assert.match(r.out, message, args.join(' '));
    }
    // A SQL error points at its line in the inline SQL.
    const r = await rat('show', '--inline', "SELECT amount\nFROM {{ ref('stg_orders') }}\nWHERE nope > 1");
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /<inline>:3:7: Binder Error: Referenced column "nope" not found/);
    assert.match(r.out, /3 \| WHERE nope > 1/);
  });
});
