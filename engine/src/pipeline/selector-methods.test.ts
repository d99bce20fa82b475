import assert from 'node:assert/strict';
import { loadProject } from './loader.ts';
import { plan } from './planner.ts';
import { useProjectFolder } from '../testing/project-folder.ts';

describe("engine: dbt's package: and config. selector methods", () => {
  const folder = useProjectFolder({
    'packages.yml': 'packages:\n  - local: vendor/shared\n',
    'vendor/shared/dbt_project.yml': 'name: shared\n',
    'vendor/shared/models/stg_shared.sql': 'SELECT 1 AS id\n',
    'seeds/codes.csv': 'code\nEU\n',
    'bronze/orders.yml': 'source:\n  path: landing/*.csv\n',
    'silver/orders.sql':
      "/* ---\nmaterialized: incremental\nunique_key: id\ntags: [nightly]\n--- */\nSELECT * FROM {{ ref('bronze.orders') }}\n",
    'silver/events.sql': "/* ---\nmaterialized: incremental\n--- */\nSELECT * FROM {{ ref('bronze.orders') }}\n",
    'gold/revenue.sql':
      "/* ---\nmaterialized: incremental\nfull_refresh: false\n--- */\nSELECT * FROM {{ ref('silver.orders') }}\n",
  });
  const selected = (selector: string) =>
    plan(loadProject(folder.dir), selector)
      .steps.map((m) => m.id)
      .sort();

  it('selects by package, by materialization (dbt names: seed, snapshot) and by other settings', () => {
    assert.deepEqual(selected('package:shared'), ['silver.stg_shared']);
    assert.deepEqual(selected('package:sha*'), ['silver.stg_shared']);
    assert.deepEqual(selected('config.materialized:incremental'), ['gold.revenue', 'silver.events', 'silver.orders']);
    assert.deepEqual(selected('config.materialized:seed'), ['bronze.codes']);
    assert.deepEqual(selected('config.materialized:source'), ['bronze.orders']);
    assert.deepEqual(selected('config.incremental_strategy:merge'), ['silver.orders']);
    assert.deepEqual(selected('config.incremental_strategy:append'), ['gold.revenue', 'silver.events']);
    assert.deepEqual(selected('config.tags:night*'), ['silver.orders']);
    assert.deepEqual(selected('config.unique_key:id'), ['silver.orders']);
    assert.deepEqual(selected('config.full_refresh:false'), ['gold.revenue']);
    // With the graph operators, as dbt's methods take them.
    assert.deepEqual(selected('config.unique_key:id+'), ['gold.revenue', 'silver.orders']);
    assert.deepEqual(selected('+config.tags:nightly'), ['bronze.orders', 'silver.orders']);
  });

  it('refuses a config key it does not read, and a method that matches nothing', () => {
    assert.throws(
      () => selected('config.schema:x'),
      /Selector config\.schema:x: config\.schema is not read \(config\.materialized, /,
    );
    assert.throws(() => selected('config.constructor:x'), /config\.constructor is not read/);
    assert.throws(() => selected('package:nope'), /Selector package:nope matches no model/);
  });
});
