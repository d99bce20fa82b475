import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { loadProject } from './loader.ts';
import { plan } from './planner.ts';
import { useProjectFolder } from '../testing/project-folder.ts';

describe("engine: a layer's sub-folders (dbt's models/staging/…)", () => {
  const folder = useProjectFolder({
    'bronze/raw/orders.yml': 'source:\n  path: landing/*.csv\n',
    'silver/staging/stripe/stg_payments.sql': 'SELECT 1 AS id',
    'silver/staging/stg_orders.sql': "SELECT * FROM {{ ref('orders') }}",
    'silver/staging/schema.yml':
      'version: 2\nmodels:\n  - name: stg_orders\n    description: Orders, typed\n  - name: customers\n    description: One row per customer\n',
    'silver/customers.sql': 'SELECT 1 AS id',
    'gold/marts/finance/revenue.sql': "SELECT * FROM {{ ref('stg_orders') }}, {{ ref('stg_payments') }}",
    // An editor's or a tool's hidden folder is not part of the project.
    'silver/.ipynb_checkpoints/stg_orders-checkpoint.sql': 'SELECT 1',
  });
  const settings = {
    '+materialized': 'table',
    silver: {
      staging: { '+materialized': 'incremental', '+tags': ['staging'], stripe: { '+tags': ['stripe'] } },
    },
  };
  const load = () => loadProject(folder.dir, folder.dir, { settings });
  const selected = (selector: string) =>
    plan(load(), selector)
      .steps.map((m) => m.id)
      .sort();

  it("loads the models of every sub-folder under their file's name, with their folders' settings and docs", () => {
    const p = load();
    assert.deepEqual([...p.models.keys()].sort(), [
      'bronze.orders',
      'gold.revenue',
      'silver.customers',
      'silver.stg_orders',
      'silver.stg_payments',
    ]);
    const m = (id: string) => p.models.get(id)!;
    assert.deepEqual(m('silver.stg_payments').folders, ['staging', 'stripe']);
    assert.equal(m('silver.stg_payments').file, 'silver/staging/stripe/stg_payments.sql');
    assert.equal(m('silver.customers').folders, undefined);
    assert.deepEqual(
      ['silver.stg_payments', 'silver.stg_orders', 'silver.customers', 'gold.revenue'].map((id) => [
        m(id).config.materialized,
        m(id).config.tags ?? [],
      ]),
      [
        ['incremental', ['staging', 'stripe']],
        ['incremental', ['staging']],
        ['table', []],
        ['table', []],
      ],
    );
    // A property file in a sub-folder describes models anywhere in its layer, as dbt's do.
    assert.equal(m('silver.stg_orders').config.docs.description, 'Orders, typed');
    assert.equal(m('silver.customers').config.docs.description, 'One row per customer');
    assert.deepEqual(
      m('gold.revenue').refs.map((r) => r.target),
      ['silver.stg_orders', 'silver.stg_payments'],
    );
  });

  it("selects by folder as dbt does: a folder's name, its path from the layer, path:", () => {
    assert.deepEqual(selected('staging'), ['silver.stg_orders', 'silver.stg_payments']);
    assert.deepEqual(selected('silver.staging.stripe'), ['silver.stg_payments']);
    assert.deepEqual(selected('staging.stripe'), ['silver.stg_payments']);
    assert.deepEqual(selected('marts.finance+'), ['gold.revenue']);
    assert.deepEqual(selected('+marts'), ['bronze.orders', 'gold.revenue', 'silver.stg_orders', 'silver.stg_payments']);
    assert.deepEqual(selected('path:silver/staging/stripe'), ['silver.stg_payments']);
    assert.deepEqual(selected('path:silver/staging/'), ['silver.stg_orders', 'silver.stg_payments']);
    assert.deepEqual(selected('path:gold/marts/finance/revenue.sql'), ['gold.revenue']);
    assert.throws(() => selected('path:silver/stag'), /Selector path:silver\/stag matches no model/);
  });

  it('refuses a name two files of a layer share, naming both, and settings for a folder the layer lacks', () => {
    folder.write('silver/marts/customers.sql', 'SELECT 2 AS id');
    assert.throws(
      load,
      /silver\/marts\/customers\.sql:1: silver\.customers is defined twice \(also by silver\/customers\.sql\)/,
    );
    rmSync(path.join(folder.dir, 'silver/marts/customers.sql'));
    assert.throws(
      () => loadProject(folder.dir, folder.dir, { settings: { silver: { stagin: { '+materialized': 'table' } } } }),
      /rat\.yaml: models\.silver\.stagin: silver has no model or folder stagin/,
    );
  });
});
