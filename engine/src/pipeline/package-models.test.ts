import assert from 'node:assert/strict';
import { loadProject } from './loader.ts';
import { compileModel } from './compile.ts';
import type { SqlModel } from './model.ts';
import { useProjectFolder } from '../testing/project-folder.ts';

describe("engine: dbt's package models", () => {
  const folder = useProjectFolder({
    'packages.yml': 'packages:\n  - local: vendor/shared\n',
    'vendor/shared/dbt_project.yml': [
      'name: shared',
      'models:',
      '  shared:',
      '    +materialized: table',
      '    staging:',
      '      +tags: [shared]',
      '  other_project:',
      '    +materialized: incremental',
      '',
    ].join('\n'),
    'vendor/shared/macros/money.sql': '{% macro cents(c) %}({{ c }} * 100){% endmacro %}\n',
    // A package's model calls its own package's macros by name, and refs the project's models by name.
    'vendor/shared/models/staging/stg_things.sql': "SELECT {{ cents('amount') }} AS cents FROM {{ ref('raw') }}\n",
    'vendor/shared/models/schema.yml':
      'version: 2\nmodels:\n  - name: stg_things\n    description: Things, in cents\n    columns:\n      - name: cents\n        data_tests: [not_null]\n',
    'bronze/raw.yml': 'source:\n  path: landing/*.csv\n',
    'gold/report.sql': "SELECT * FROM {{ ref('stg_things') }}\n",
  });
  const load = (settings?: unknown) => loadProject(folder.dir, folder.dir, { settings });

  it("builds them in silver with the package's settings beneath rat.yaml's, its macros by name", () => {
    const p = load({ shared: { staging: { '+tags': ['mine'] } } });
    const m = p.models.get('silver.stg_things') as SqlModel;
    assert.equal(m.package, 'shared');
    assert.deepEqual(m.folders, ['staging']);
    assert.equal(m.file, 'vendor/shared/models/staging/stg_things.sql');
    assert.equal(m.config.materialized, 'table');
    assert.deepEqual(m.config.tags, ['shared', 'mine']);
    assert.equal(m.config.docs.description, 'Things, in cents');
    assert.deepEqual(
      m.config.tests.map((t) => t.kind),
      ['not_null'],
    );
    assert.deepEqual(
      m.refs.map((r) => r.target),
      ['bronze.raw'],
    );
    assert.equal(
      compileModel(m, { macros: p.macros }).sql.trim(),
      'SELECT (amount * 100) AS cents FROM "bronze"."raw"',
    );
    assert.deepEqual(
      p.models.get('gold.report')!.refs.map((r) => r.target),
      ['silver.stg_things'],
    );
  });

  it("rat.yaml's +layer puts them in another layer; +enabled: false leaves them out", () => {
    assert.ok(load({ shared: { '+layer': 'gold' } }).models.has('gold.stg_things'));
    folder.write('gold/report.sql', 'SELECT 1 AS x\n');
    assert.ok(!load({ shared: { '+enabled': false } }).models.has('silver.stg_things'));
    assert.throws(
      () => load({ shared: { '+layer': 'platinum' } }),
      /models\.shared\.\+layer: must be one of bronze, silver, gold/,
    );
    assert.throws(
      () => load({ shared: { stagin: {} } }),
      /models\.shared\.stagin: shared has no model or folder stagin/,
    );
    assert.throws(
      () => load({ sharde: {} }),
      /models\.sharde: not a layer \(bronze, silver, gold\) nor an installed package \(shared\)/,
    );
  });

  it("renders a source's templated schema with rat.yaml's vars, else the package's, else the default", () => {
    folder.write(
      'vendor/shared/models/sources.yml',
      "version: 2\nsources:\n  - name: shop\n    schema: \"{{ var('shop_schema', 'raw') }}\"\n    tables:\n      - name: orders\n",
    );
    folder.write('vendor/shared/models/stg_orders.sql', "SELECT * FROM {{ source('shop', 'orders') }}\n");
    const reads = (vars?: Record<string, unknown>) =>
      loadProject(folder.dir, folder.dir, { vars })
        .models.get('silver.stg_orders')!
        .refs.map((r) => r.target);
    assert.deepEqual(reads(), ['raw.orders']);
    assert.deepEqual(reads({ shop_schema: 'landing' }), ['landing.orders']);
    folder.write(
      'vendor/shared/dbt_project.yml',
      'name: shared\nvars:\n  shop_schema: shop_raw\nmodels:\n  shared:\n    +materialized: table\n',
    );
    assert.deepEqual(reads(), ['shop_raw.orders']);
    folder.write(
      'vendor/shared/models/sources.yml',
      "sources:\n  - name: shop\n    schema: \"{{ var('shop_schema') ~ '.x' }}\"\n    tables: [{ name: orders }]\n",
    );
    assert.throws(
      () => reads(),
      /schema: \{\{ var\('shop_schema'\) ~ '\.x' \}\} renders "shop_raw\.x", which is not a name/,
    );
  });

  it("a package's model named as one of the project's is refused, naming both", () => {
    folder.write('silver/stg_things.sql', 'SELECT 1 AS cents\n');
    assert.throws(
      () => load(),
      /vendor\/shared\/models\/staging\/stg_things\.sql:1: silver\.stg_things is defined twice \(also by silver\/stg_things\.sql\)/,
    );
  });
});
