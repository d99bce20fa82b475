import assert from 'node:assert/strict';
import { ephemeralsOf, tableInputs } from './ephemeral.ts';
import { loadProject } from './loader.ts';
import { plan } from './planner.ts';
import { useProjectFolder } from '../testing/project-folder.ts';

describe("engine: dbt's ephemeral models", () => {
  const folder = useProjectFolder();
  const { write } = folder;
  beforeEach(() => {
    write('bronze/orders.yml', 'source:\n  path: landing/*.csv\n');
    write('bronze/customers.yml', 'source:\n  path: landing/c/*.csv\n');
    write('silver/paid.sql', "-- materialized: ephemeral\nSELECT * FROM {{ ref('bronze.orders') }} WHERE paid\n");
    write(
      'silver/paid_with_customer.sql',
      "{{ config(materialized='ephemeral') }}\nSELECT * FROM {{ ref('silver.paid') }} JOIN bronze.customers USING (c)\n",
    );
    write(
      'gold/revenue.sql',
      "SELECT sum(x) FROM {{ ref('silver.paid_with_customer') }} JOIN {{ ref('silver.paid') }} USING (id)\n",
    );
  });

  it('reads through ephemerals to the tables, and defines them deepest first', () => {
    const p = loadProject(folder.dir);
    const revenue = p.models.get('gold.revenue')!;
    assert.deepEqual(tableInputs(p, revenue), ['bronze.customers', 'bronze.orders']);
    assert.deepEqual(
      ephemeralsOf(p, revenue).map((m) => m.id),
      ['silver.paid', 'silver.paid_with_customer'],
    );
  });

  it('plans no step for an ephemeral model; what the steps read through it must exist when not built', () => {
    const p = loadProject(folder.dir);
    const all = plan(p);
    assert.deepEqual(
      all.steps.map((m) => m.id),
      ['bronze.customers', 'bronze.orders', 'gold.revenue'],
    );
    assert.deepEqual(
      all.ephemeral.map((m) => m.id),
      ['silver.paid', 'silver.paid_with_customer'],
    );
    const gold = plan(p, 'gold.revenue');
    assert.deepEqual(gold.external, ['bronze.customers', 'bronze.orders']);
    assert.deepEqual(
      plan(p, 'silver.paid+').steps.map((m) => m.id),
      ['gold.revenue'],
    );
  });

  it('refuses what needs a table on an ephemeral model, and an ephemeral source', () => {
    write(
      'silver/paid.sql',
      "-- materialized: ephemeral\n-- unique_key: id\nSELECT * FROM {{ ref('bronze.orders') }}\n",
    );
    assert.throws(
      () => loadProject(folder.dir),
      /silver\/paid\.sql:1: silver\.paid is ephemeral .* so it takes no unique_key/,
    );
    write('silver/paid.sql', '/* ---\nmaterialized: ephemeral\ntests: [{ unique: id }]\n--- */\nSELECT 1 AS id\n');
    assert.throws(() => loadProject(folder.dir), /so it takes no data tests/);
    write('silver/paid.sql', '-- materialized: ephemeral\nSELECT * FROM {{ this }}\n');
    assert.throws(() => loadProject(folder.dir), /so it takes no \{\{ this \}\}/);
    write('silver/paid.sql', 'SELECT 1 AS id\n');
    write('bronze/orders.yml', 'materialized: ephemeral\nsource:\n  path: landing/*.csv\n');
    assert.throws(
      () => loadProject(folder.dir),
      /bronze\/orders\.yml:1: a source is ingested into its table: it cannot be ephemeral/,
    );
  });
});
