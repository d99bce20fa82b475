import assert from 'node:assert/strict';
import { compileModel } from './compile.ts';
import { loadProject } from './loader.ts';
import type { SqlModel } from './model.ts';
import { plan } from './planner.ts';
import { useProjectFolder } from '../testing/project-folder.ts';

describe("engine: dbt's refs by model name alone", () => {
  const folder = useProjectFolder({
    'bronze/orders.yml': 'source:\n  path: landing/*.csv\n',
    'silver/clean_orders.sql': "SELECT * FROM {{ ref('orders') }}\n",
    'gold/revenue.sql': [
      '/* ---',
      'unit_tests:',
      '  - name: sums',
      "    given: [{ input: ref('clean_orders'), rows: [{ x: 1 }] }]",
      '    expect: [{ total: 1 }]',
      '--- */',
      "SELECT sum(x) AS total FROM {{ ref('clean_orders') }}",
      '',
    ].join('\n'),
  });

  it('names the one model of that name in any layer, for the plan, the compiled SQL and unit test inputs', () => {
    const p = loadProject(folder.dir);
    const revenue = p.models.get('gold.revenue') as SqlModel;
    assert.deepEqual(
      revenue.refs.map((r) => r.target),
      ['silver.clean_orders'],
    );
    assert.equal(revenue.unitTests[0]!.given[0]!.input, 'silver.clean_orders');
    assert.equal(compileModel(revenue, {}).sql.trim(), 'SELECT sum(x) AS total FROM "silver"."clean_orders"');
    assert.deepEqual(
      plan(p, '+gold.revenue').steps.map((m) => m.id),
      ['bronze.orders', 'silver.clean_orders', 'gold.revenue'],
    );
  });

  it("finds a data test's table named alone in another layer when the test's own layer has none", () => {
    folder.write('gold/customers.sql', 'SELECT 1 AS id\n');
    folder.write('silver/kept.sql', 'SELECT 1 AS id\n');
    folder.write(
      'silver/schema.yml',
      [
        'models:',
        '  - name: clean_orders',
        '    columns:',
        '      - name: customer_id',
        '        data_tests: [{ relationships: { to: "ref(\'customers\')", field: id } }]',
        '      - name: id',
        '        data_tests: [{ relationships: { to: "ref(\'kept\')", field: id } }]',
        '',
      ].join('\n'),
    );
    const tests = loadProject(folder.dir).models.get('silver.clean_orders')!.config.tests;
    // gold's customers (silver has none); silver's own kept stays silver's.
    assert.deepEqual(
      tests.map((t) => (t.kind === 'relationships' ? t.to : t.kind)),
      ['gold.customers', 'silver.kept'],
    );
  });

  it('refuses a name two layers share, and leaves a name no model has to the unknown-ref error', () => {
    folder.write('silver/orders.sql', "SELECT * FROM {{ ref('bronze.orders') }}\n");
    assert.throws(
      () => loadProject(folder.dir),
      /silver\/clean_orders\.sql:1: ref\('orders'\) is ambiguous: bronze\.orders and silver\.orders share the name; write ref\('bronze\.orders'\)/,
    );
    folder.write('silver/orders.sql', "SELECT * FROM {{ ref('nothing') }}\n");
    folder.write('silver/clean_orders.sql', "SELECT * FROM {{ ref('bronze.orders') }}\n");
    assert.throws(() => plan(loadProject(folder.dir)), /unknown ref nothing in silver\.orders/);
  });
});
