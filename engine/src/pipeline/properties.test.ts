import assert from 'node:assert/strict';
import { loadProject } from './loader.ts';
import type { SqlModel } from './model.ts';
import { checkDescribed, layerProperties, readPropertyFile, withProperties } from './properties.ts';
import { tableOf } from './property-tests.ts';
import { useProjectFolder } from '../testing/project-folder.ts';

const FILE = 'silver/schema.yml';
const read = (text: string) => readPropertyFile(text, FILE, 'silver');

/** `assert.throws` for a PIPELINE_INVALID said at `file:line`. */
function invalidAt(f: () => unknown, line: number, why: RegExp, file = FILE) {
  assert.throws(
    f,
    (err: Error & { code?: string; data?: { file: string; line: number } }) =>
      err.code === 'PIPELINE_INVALID' &&
      err.data?.file === file &&
      err.data.line === line &&
      err.message.startsWith(`${file}:${line}: `) &&
      why.test(err.message),
    `${why} at ${file}:${line}`,
  );
}

const ORDERS = `version: 2
models:
  - name: orders
    description: One row per order
    config: { materialized: incremental, unique_key: order_id }
    meta: { owner: shop }
    columns:
      - name: order_id
        description: The order's id
        data_tests: [unique, not_null]
      - name: status
        tests:
          - accepted_values: { values: [pending, shipped], config: { severity: error } }
          - accepted_values:
              arguments: { values: [pending] }
              config: { where: "ordered_at > '2024-01-01'" }
          - not_null: { where: "status <> ''", enabled: true }
          - unique: { config: { enabled: false } }
      - name: customer_id
        data_tests:
          - relationships: { to: ref('customers'), field: customer_id }
          - relationships: { arguments: { to: "source('bronze', 'customers')", field: id } }
    data_tests:
      - unique: { column_name: '"Order Line"' }
      - not_null: { arguments: { column_name: customer_id } }
unit_tests:
  - name: cancelled_cost_nothing
    model: orders
    given:
      - input: ref('bronze.orders')
        rows: [{ order_id: 1 }]
    expect: { rows: [{ order_id: 1 }] }
`;

describe("engine: dbt's property files (schema.yml) in a layer folder", () => {
  it('reads a model entry in the shapes of dbt before and after 1.10, with the lines entries start on', () => {
    const f = read(ORDERS)!;
    assert.equal(f.models.length, 1);
    const { name, ...orders } = f.models[0]!;
    assert.equal(name, 'orders');
    assert.deepEqual(orders, {
      file: FILE,
      line: 3,
      config: { materialized: 'incremental', unique_key: 'order_id' },
      description: 'One row per order',
      columns: { order_id: "The order's id" },
      declared: [
        { name: 'order_id', notNull: false },
        { name: 'status', notNull: false },
        { name: 'customer_id', notNull: false },
      ],
      tests: [
        { kind: 'unique', columns: ['Order Line'] },
        { kind: 'not_null', columns: ['customer_id'] },
        { kind: 'unique', columns: ['order_id'] },
        { kind: 'not_null', columns: ['order_id'] },
        { kind: 'accepted_values', column: 'status', values: ['pending', 'shipped'] },
        { kind: 'accepted_values', column: 'status', values: ['pending'], where: "ordered_at > '2024-01-01'" },
        { kind: 'not_null', columns: ['status'], where: "status <> ''" },
        { kind: 'relationships', column: 'customer_id', to: 'silver.customers', field: 'customer_id' },
        { kind: 'relationships', column: 'customer_id', to: 'bronze.customers', field: 'id' },
      ],
    });
    assert.deepEqual(f.unitTests, [
      {
        model: 'orders',
        line: 27,
        test: {
          name: 'cancelled_cost_nothing',
          given: [{ input: 'bronze.orders', rows: [{ order_id: 1 }] }],
          expect: [{ order_id: 1 }],
          incremental: false,
        },
      },
    ]);
  });

  it('is a property file only with models, unit_tests or version and no source key', () => {
    assert.equal(read('source:\n  path: landing/*.csv\ndescription: x\n'), undefined);
    assert.equal(read('models: [{ name: a }]\nsource: { path: x.csv }\n'), undefined);
    assert.equal(read('description: no source yet\n'), undefined);
    assert.equal(read('models: [unclosed\n'), undefined, 'not YAML: the source loader says what is wrong');
    assert.deepEqual(read('unit_tests: []\n'), {
      file: FILE,
      models: [],
      unitTests: [],
      sources: [],
      exposures: [],
      seeds: [],
      snapshots: [],
    });
  });

  it("reads dbt's sources: as tables written outside the pipelines, each with its line", () => {
    const f = read(
      'version: 2\nsources:\n  - name: raw\n    freshness: { error_after: { count: 12, period: hour } }\n    tables:\n      - name: orders\n        description: Orders as Spark lands them\n      - name: customers\n',
    );
    assert.deepEqual(f!.sources, [
      {
        id: 'raw.orders',
        file: FILE,
        line: 6,
        description: 'Orders as Spark lands them',
        freshness: { errorAfterMs: 43_200_000 },
      },
      { id: 'raw.customers', file: FILE, line: 8, freshness: { errorAfterMs: 43_200_000 } },
    ]);
  });

  it('reads relationships targets as refs of the same layer, of another layer, or sources', () => {
    assert.equal(tableOf("ref('customers')", 'gold'), 'gold.customers');
    assert.equal(tableOf('ref("silver.customers")', 'gold'), 'silver.customers');
    assert.equal(tableOf("ref('silver', 'customers')", 'gold'), 'silver.customers');
    assert.equal(tableOf("source('bronze','customers')", 'gold'), 'bronze.customers');
    assert.equal(tableOf('silver.customers', 'gold'), 'silver.customers');
    assert.equal(tableOf("source('customers')", 'gold'), undefined);
    assert.equal(tableOf('ref(customers)', 'gold'), undefined);
  });

  it('says what it does not support, at the line of the entry', () => {
    const model = (lines: string) => `models:\n  - name: orders\n${lines}`;
    invalidAt(
      () => read(model('    columns:\n      - name: a\n        data_tests: [positive]\n')),
      4,
      /unknown test positive/,
    );
    invalidAt(
      () => read(model('    data_tests:\n      - dbt_utils.expression_is_true: { expression: "a > 0" }\n')),
      4,
      /unknown test dbt_utils\.expression_is_true \(supported: unique, not_null, accepted_values, relationships;/,
    );
    invalidAt(() => read(model('    data_tests: [unique]\n')), 2, /unique: a model-level test needs column_name/);
    invalidAt(
      () => read(model('    data_tests:\n      - unique: { column_name: "a || \'-\' || b" }\n')),
      4,
      /column_name must name one column/,
    );
    // severity: warn is read (a failing test warns), and so are the thresholds on the failing rows, flat or in config.
    const warned = read(
      model('    columns:\n      - name: a\n        data_tests:\n          - not_null: { severity: warn }\n'),
    );
    assert.deepEqual(warned!.models[0]!.tests, [{ kind: 'not_null', columns: ['a'], severity: 'warn' }]);
    const thresholds = read(
      model(
        '    columns:\n      - name: a\n        data_tests:\n          - not_null: { warn_if: ">10", config: { error_if: "== 100", fail_calc: "count(distinct a)", limit: 500 } }\n',
      ),
    );
    assert.deepEqual(thresholds!.models[0]!.tests, [
      { kind: 'not_null', columns: ['a'], warnIf: '>10', errorIf: '=100', failCalc: 'count(distinct a)', limit: 500 },
    ]);
    invalidAt(
      () =>
        read(model('    columns:\n      - name: a\n        data_tests:\n          - not_null: { warn_if: "lots" }\n')),
      6,
      /not_null: warn_if must compare the failures with a number \(">10", "!=0"; got "lots"\)/,
    );
    invalidAt(
      () =>
        read(model('    columns:\n      - name: a\n        data_tests:\n          - not_null: { severity: info }\n')),
      6,
      /severity must be warn or error/,
    );
    invalidAt(
      () =>
        read(
          model('    columns:\n      - name: a\n        data_tests:\n          - accepted_values: { value: [x] }\n'),
        ),
      6,
      /accepted_values: value is not supported/,
    );
    invalidAt(
      () =>
        read(model('    columns:\n      - name: a\n        data_tests: [{ relationships: { to: "ref(\'b\')" } }]\n')),
      5,
      /field is required/,
    );
    invalidAt(
      () => read(model('    data_tests:\n      - unique: { column_name: a, config: { database: other } }\n')),
      4,
      /unique: setting database is not supported/,
    );
    invalidAt(
      () => read(model('    data_tests:\n      - unique: { column_name: a, config: { store_failures_as: view } }\n')),
      4,
      /unique: store_failures_as: view is not supported .*use table/,
    );
    invalidAt(() => read(model('    versions: [{ v: 2 }]\n')), 2, /model orders: versions is not supported/);
    invalidAt(() => read(model('    config: { tests: [unique] }\n')), 2, /tests belongs to the model's entry/);
    invalidAt(
      () => read(model('    description: "{{ doc(\'orders\') }}"\n')),
      2,
      /doc\('orders'\) names no docs block \(\{% docs orders %\}…\{% enddocs %\} in a \.md file of a layer folder\)/,
    );
    invalidAt(() => read(model('    columns:\n      - description: no name\n')), 4, /columns needs a name/);
    invalidAt(
      () => read('version: 2\n\nsources:\n  - name: shop\n    database: lake\n    tables: [{ name: orders }]\n'),
      4,
      /source shop: database is not read: a source's table is <schema>\.<identifier> in this catalog/,
    );
    // dbt's schema and identifier name the catalog's table; the source keeps its dbt name.
    assert.deepEqual(
      read(
        'sources:\n  - name: shop\n    schema: raw\n    tables: [{ name: orders, identifier: orders_v2 }, { name: items }]\n',
      )!.sources.map((t) => [t.id, t.name]),
      [
        ['raw.orders_v2', 'shop.orders'],
        ['raw.items', 'shop.items'],
      ],
    );
    // Tests on a source's table and its columns, in dbt's shapes; none on the source itself.
    const tested = readPropertyFile(
      'sources:\n  - name: shop\n    tables:\n      - name: orders\n        data_tests: [{ dbt_utils.unique_combination_of_columns: { combination_of_columns: [id] } }]\n' +
        '        columns:\n          - name: id\n            tests: [unique, not_null]\n          - name: note\n',
      FILE,
      'silver',
      undefined,
      new Set(['dbt_utils.unique_combination_of_columns']),
    )!.sources[0]!.tests;
    assert.deepEqual(
      tested?.map((t) => [t.kind, 'columns' in t ? t.columns : undefined]),
      [
        ['generic', undefined],
        ['unique', ['id']],
        ['not_null', ['id']],
      ],
    );
    invalidAt(
      () => read('sources:\n  - name: shop\n    tests: [unique]\n    tables:\n      - name: orders\n'),
      2,
      /source shop: tests is not supported/,
    );
    invalidAt(() => read('version: 2\ndata: []\n'), 2, /data: is not supported in a property file/);
    // What only documents (macros' docs, the semantic layer) loads, without effect; exposures are read (exposures.ts).
    assert.deepEqual(
      read('version: 2\nexposures: [{ name: dash, type: dashboard }]\nmacros: [{ name: cents }]\nmetrics: []\n')!
        .models,
      [],
    );
    invalidAt(() => read('version: 1\nmodels: []\n'), 1, /version must be 2/);
    invalidAt(() => read('unit_tests:\n  - name: t\n    expect: []\n'), 2, /unit test t: model is required/);
    invalidAt(() => read('unit_tests:\n  - name: t\n    model: orders\n'), 2, /unit_tests: t: expect is required/);
  });

  it('combines the files of a layer: one entry per model, unit tests in any file', () => {
    const a = readPropertyFile('models:\n  - name: orders\n    description: x\n', 'silver/a.yml', 'silver')!;
    const b = readPropertyFile(
      'unit_tests:\n  - { name: t, model: orders, expect: [] }\n  - { name: u, model: items, expect: [] }\n',
      'silver/b.yml',
      'silver',
    )!;
    const all = layerProperties([a, b]);
    assert.deepEqual(
      [...all].map(([name, p]) => [name, p.file, p.line, p.files, p.unitTests.map((u) => u.test.name)]),
      [
        ['orders', 'silver/a.yml', 2, ['silver/a.yml', 'silver/b.yml'], ['t']],
        ['items', 'silver/b.yml', 3, ['silver/b.yml'], ['u']],
      ],
    );
    const again = readPropertyFile('\nmodels:\n  - name: orders\n', 'silver/c.yml', 'silver')!;
    invalidAt(
      () => layerProperties([a, again]),
      3,
      /model orders is described twice \(first at silver\/a\.yml:2\)/,
      'silver/c.yml',
    );
    invalidAt(() => layerProperties([b, b]), 2, /unit test t of orders is defined twice/, 'silver/b.yml');
  });

  it('refuses a model the layer has no SQL file for, and a source', () => {
    const props = layerProperties([read('models:\n  - name: orders\n\n  - name: events\n')!]);
    const source = { kind: 'source', id: 'silver.events', file: 'silver/events.yml' } as never;
    invalidAt(
      () => checkDescribed(props, 'silver', new Set(['events']), new Map([['silver.events', source]])),
      2,
      /silver has no model orders \(no silver\/orders\.sql\)/,
    );
    invalidAt(
      () => checkDescribed(props, 'silver', new Set(['orders']), new Map([['silver.events', source]])),
      4,
      /silver\.events is a source: give its description, columns and tests in silver\/events\.yml/,
    );
    // A SQL file that disables its model (enabled: false) is no model, and may still be described.
    checkDescribed(props, 'silver', new Set(['orders', 'events']), new Map());
  });

  it('adds to the SQL model: its own descriptions win, tests and unit tests after its own', () => {
    const model = {
      kind: 'sql',
      name: 'orders',
      file: 'silver/orders.sql',
      config: {
        docs: { description: 'From the SQL', columns: { Order_Id: 'SQL doc' } },
        tests: [{ kind: 'unique', columns: ['order_id'] }],
      },
      unitTests: [{ name: 'own', given: [], expect: [], incremental: false }],
    } as unknown as SqlModel;
    const props = layerProperties([read(ORDERS)!]).get('orders')!;
    const m = withProperties(model, props);
    assert.deepEqual(m.config.docs, { description: 'From the SQL', columns: { Order_Id: 'SQL doc' } });
    assert.equal(m.config.tests.length, 1 + props.tests.length);
    assert.deepEqual(m.config.tests[0], { kind: 'unique', columns: ['order_id'] });
    assert.deepEqual(
      m.unitTests.map((t) => t.name),
      ['own', 'cancelled_cost_nothing'],
    );
    assert.deepEqual(m.propertyFiles, [FILE]);
    const bare = withProperties({ ...model, config: { ...model.config, docs: { columns: {} } } }, props);
    assert.deepEqual(bare.config.docs, { description: 'One row per order', columns: { order_id: "The order's id" } });
    invalidAt(
      () =>
        withProperties({ ...model, unitTests: [{ ...model.unitTests[0]!, name: 'cancelled_cost_nothing' }] }, props),
      27,
      /unit test cancelled_cost_nothing of orders is defined twice \(also in silver\/orders\.sql\)/,
    );
  });
});

describe('engine: a project with property files', () => {
  const folder = useProjectFolder({ 'bronze/orders.yml': 'source:\n  path: landing/*.csv\n' });
  const { write } = folder;

  it("applies the entry's config beneath the SQL file's own settings, and is no model itself", () => {
    write(
      'silver/schema.yml',
      'models:\n  - name: orders\n    config: { materialized: incremental, unique_key: order_id, partition_by: [day] }\n',
    );
    write('silver/orders.sql', "-- unique_key: id\nSELECT * FROM {{ ref('bronze.orders') }}\n");
    const project = loadProject(folder.dir);
    assert.deepEqual([...project.models.keys()], ['bronze.orders', 'silver.orders']);
    const orders = project.models.get('silver.orders')!;
    assert.equal(orders.config.materialized, 'incremental');
    assert.deepEqual(orders.config.uniqueKey, ['id']);
    assert.deepEqual(orders.config.partitionBy, ['day']);
    assert.deepEqual(orders.kind === 'sql' && orders.propertyFiles, ['silver/schema.yml']);
    write('silver/orders.sql', "{{ config(materialized='table') }}\nSELECT * FROM {{ ref('bronze.orders') }}\n");
    assert.equal(loadProject(folder.dir).models.get('silver.orders')!.config.materialized, 'table');
  });

  it("says a config the model refuses at the entry, and the SQL file's own mistakes at the SQL file", () => {
    write('silver/schema.yml', 'version: 2\nmodels:\n  - name: orders\n    config: { materialized: view }\n');
    write('silver/orders.sql', "SELECT * FROM {{ ref('bronze.orders') }}\n");
    invalidAt(
      () => loadProject(folder.dir),
      3,
      /config of orders: materialized must be table, incremental, scd2 or ephemeral/,
    );
    write('silver/orders.sql', "-- materialized: view\nSELECT * FROM {{ ref('bronze.orders') }}\n");
    invalidAt(
      () => loadProject(folder.dir),
      1,
      /materialized must be table, incremental, scd2 or ephemeral \(the engine writes tables: use table, or ephemeral/,
      'silver/orders.sql',
    );
  });

  it('a property file naming a model the layer lacks fails the load; a disabled model may be described', () => {
    write('silver/schema.yml', 'models:\n  - name: orders\n  - name: orderz\n');
    write('silver/orders.sql', "SELECT * FROM {{ ref('bronze.orders') }}\n");
    invalidAt(() => loadProject(folder.dir), 3, /silver has no model orderz/);
    write('silver/schema.yml', 'models:\n  - name: orders\n    config: { enabled: false }\n');
    assert.deepEqual([...loadProject(folder.dir).models.keys()], ['bronze.orders']);
  });

  it("reads the project's own generic tests: any argument, a table argument as its id, where and severity", () => {
    const own = new Set(['positive', 'covered_by']);
    const file = readPropertyFile(
      `version: 2
models:
  - name: orders
    data_tests:
      - positive: { column_name: qty, config: { where: "qty IS NOT NULL" } }
    columns:
      - name: customer_id
        data_tests:
          - covered_by: { to: "ref('customers')", field: id, limit: 3, severity: warn }
`,
      FILE,
      'silver',
      undefined,
      own,
    )!;
    const tests = layerProperties([file]).get('orders')!.tests;
    assert.deepEqual(tests, [
      { kind: 'generic', name: 'positive', column: 'qty', args: {}, where: 'qty IS NOT NULL' },
      {
        kind: 'generic',
        name: 'covered_by',
        column: 'customer_id',
        args: { to: "ref('silver.customers')", field: 'id' },
        severity: 'warn',
        limit: 3,
      },
    ]);
    const bad = (test: string) =>
      readPropertyFile(
        `version: 2\nmodels:\n  - name: orders\n    data_tests:\n      - ${test}\n`,
        FILE,
        'silver',
        undefined,
        own,
      );
    invalidAt(() => bad('covered_by: { to: "ref(\'a b\')" }'), 5, /covered_by: to: ref\('a b'\) does not name a table/);
    invalidAt(() => bad('positive: { config: { limit: 0 } }'), 5, /positive: limit must be a whole number above 0/);
    invalidAt(() => bad('positive: { config: { colour: red } }'), 5, /positive: setting colour is not supported/);
    invalidAt(() => bad('negative'), 3, /unknown test negative .*the project's: positive, covered_by/);
  });
});
