import assert from 'node:assert/strict';
import { loadProject } from './loader.ts';
import { plan } from './planner.ts';
import { auditTables } from './stored-failures.ts';
import { useProjectFolder } from '../testing/project-folder.ts';

describe("engine: dbt's sources: (tables written outside the pipelines)", () => {
  const folder = useProjectFolder();
  const { write } = folder;
  beforeEach(() => {
    write('silver/sources.yml', 'sources:\n  - name: raw\n    tables: [{ name: orders }, { name: customers }]\n');
    write('silver/orders.sql', "SELECT * FROM {{ source('raw', 'orders') }}\n");
    write('silver/paid.sql', "-- materialized: ephemeral\nSELECT * FROM {{ ref('silver.orders') }} WHERE paid\n");
    write(
      'gold/revenue.sql',
      "SELECT sum(x) FROM {{ ref('silver.paid') }} JOIN {{ source('raw', 'customers') }} USING (c)\n",
    );
  });

  it('plans the models that read them, never the tables themselves; they must exist on the branch', () => {
    const p = loadProject(folder.dir);
    assert.deepEqual([...p.external!.keys()], ['raw.orders', 'raw.customers']);
    const all = plan(p);
    assert.deepEqual(
      all.steps.map((m) => m.id),
      ['silver.orders', 'gold.revenue'],
    );
    assert.deepEqual(all.external, ['raw.customers', 'raw.orders']);
    assert.deepEqual(
      plan(p, '+gold.revenue').steps.map((m) => m.id),
      ['silver.orders', 'gold.revenue'],
    );
  });

  it("reads a table's event_time from its config:, else its source's", () => {
    write(
      'silver/sources.yml',
      [
        'sources:',
        '  - name: raw',
        '    config: { event_time: loaded_at }',
        '    tables: [{ name: orders, config: { event_time: ordered_at } }, { name: customers }]',
        '',
      ].join('\n'),
    );
    const p = loadProject(folder.dir);
    assert.deepEqual(
      [...p.external!.values()].map((t) => [t.id, t.eventTime]),
      [
        ['raw.orders', 'ordered_at'],
        ['raw.customers', 'loaded_at'],
      ],
    );
    write('silver/sources.yml', 'sources:\n  - name: raw\n    tables: [{ name: orders, config: { event_time: 3 } }]\n');
    assert.throws(() => loadProject(folder.dir), /source raw\.orders: event_time must be a column name/);
  });

  it("selects what reads a source with dbt's source:name+", () => {
    const p = loadProject(folder.dir);
    assert.deepEqual(
      plan(p, 'source:raw.orders+').steps.map((m) => m.id),
      ['silver.orders', 'gold.revenue'],
    );
    assert.deepEqual(
      plan(p, 'source:raw.customers+').steps.map((m) => m.id),
      ['gold.revenue'],
    );
    assert.deepEqual(plan(p, 'source:raw.orders').steps, []);
    assert.equal(plan(p, 'source:raw+').steps.length, 2);
    assert.throws(() => plan(p, 'source:raw.nope+'), /source:raw\.nope\+ matches no source declared under sources:/);
  });

  it('refuses a source declared twice or named like a model', () => {
    write('gold/sources.yml', 'sources:\n  - name: raw\n    tables:\n      - name: orders\n');
    assert.throws(
      () => loadProject(folder.dir),
      /gold\/sources\.yml:4: source raw\.orders is declared twice \(first at silver\/sources\.yml:3\)/,
    );
    write('gold/sources.yml', 'sources:\n  - name: silver\n    tables:\n      - name: orders\n');
    assert.throws(() => loadProject(folder.dir), /source silver\.orders is also a model \(silver\/orders\.sql\)/);
  });

  it("a source declared over one of the project's seeds reads the seed, built before what reads it", () => {
    write('seeds/raw_customers.csv', 'id,name\n1,Ann\n');
    write(
      'gold/sources.yml',
      'sources:\n  - name: ecom\n    schema: bronze\n    tables:\n      - name: raw_customers\n',
    );
    write('gold/customers.sql', "SELECT * FROM {{ source('ecom', 'raw_customers') }}\n");
    const p = loadProject(folder.dir);
    assert.ok(!p.external?.has('bronze.raw_customers'));
    assert.deepEqual(
      p.models.get('gold.customers')!.refs.map((r) => r.target),
      ['bronze.raw_customers'],
    );
    assert.deepEqual(
      plan(p, '+gold.customers').steps.map((m) => m.id),
      ['bronze.raw_customers', 'gold.customers'],
    );
    // Its tests are the seed's: a run tests the seed's table.
    write(
      'gold/sources.yml',
      'sources:\n  - name: ecom\n    schema: bronze\n    tables:\n      - name: raw_customers\n' +
        '        columns: [{ name: id, data_tests: [unique] }]\n',
    );
    assert.deepEqual(loadProject(folder.dir).models.get('bronze.raw_customers')!.config.tests, [
      { kind: 'unique', columns: ['id'] },
    ]);
  });

  it("reads a source's tests, its relationships' `to` by its dbt name, and names them as dbt does", () => {
    write(
      'silver/sources.yml',
      [
        'sources:',
        '  - name: raw',
        '    schema: lake',
        '    tables:',
        '      - name: orders',
        '        columns:',
        '          - name: c',
        "            data_tests: [not_null, { relationships: { to: \"source('raw', 'customers')\", field: c } }]",
        '      - name: customers',
        '',
      ].join('\n'),
    );
    const p = loadProject(folder.dir);
    assert.deepEqual(p.external!.get('lake.orders')!.tests, [
      { kind: 'not_null', columns: ['c'] },
      { kind: 'relationships', column: 'c', to: 'lake.customers', field: 'c' },
    ]);
    const audits = auditTables(p);
    assert.equal(audits.get('dbt_test__audit.source_not_null_raw_orders_c'), 'source:raw.orders');
  });

  it('points what names a source by its dbt name at the table schema and identifier name', () => {
    write(
      'silver/sources.yml',
      'sources:\n  - name: raw\n    schema: lake\n    tables: [{ name: orders, identifier: orders_v2 }, { name: customers }]\n',
    );
    write(
      'silver/schema.yml',
      [
        'version: 2',
        'models:',
        '  - name: orders',
        '    columns:',
        '      - name: c',
        "        data_tests: [{ relationships: { to: \"source('raw', 'customers')\", field: c } }]",
        'unit_tests:',
        '  - name: t',
        '    model: orders',
        "    given: [{ input: \"source('raw', 'orders')\", rows: [{ c: 1 }] }]",
        '    expect: { rows: [{ c: 1 }] }',
        '',
      ].join('\n'),
    );
    const p = loadProject(folder.dir);
    assert.deepEqual([...p.external!.keys()], ['lake.orders_v2', 'lake.customers']);
    const orders = p.models.get('silver.orders')!;
    assert.ok(orders.kind === 'sql');
    assert.deepEqual(
      orders.refs.map((r) => r.target),
      ['lake.orders_v2'],
    );
    assert.deepEqual(orders.refIds, { 'raw.orders': 'lake.orders_v2' });
    assert.deepEqual(
      orders.unitTests[0]!.given.map((g) => g.input),
      ['lake.orders_v2'],
    );
    assert.deepEqual(
      orders.config.tests.map((t) => (t.kind === 'relationships' ? t.to : t.kind)),
      ['lake.customers'],
    );
    assert.deepEqual(plan(p).external, ['lake.customers', 'lake.orders_v2']);
  });
});
