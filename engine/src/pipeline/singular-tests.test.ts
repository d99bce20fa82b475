import assert from 'node:assert/strict';
import { loadProject } from './loader.ts';
import { useProjectFolder } from '../testing/project-folder.ts';

describe("engine: dbt's singular tests (tests/*.sql)", () => {
  const folder = useProjectFolder({
    'bronze/orders.yml': 'source:\n  path: landing/*.csv\n',
    'silver/orders.sql': "SELECT * FROM {{ ref('bronze.orders') }}",
    'silver/customers.sql': 'SELECT 1 AS id',
    'gold/revenue.sql': "SELECT * FROM {{ ref('silver.orders') }}",
  });
  const testsOf = (id: string) =>
    loadProject(folder.dir)
      .models.get(id)!
      .config.tests.map((t) => (t.kind === 'sql' ? [t.name, t.reads, t.refIds] : t.kind));

  it('belongs to the model that reads the others, or the first by id of those none reads', () => {
    folder.write('tests/a.sql', "SELECT * FROM {{ ref('revenue') }} JOIN {{ ref('silver', 'orders') }} USING (id)");
    folder.write('tests/b.sql', "SELECT * FROM {{ ref('customers') }}, {{ ref('revenue') }}");
    assert.deepEqual(testsOf('gold.revenue'), [
      ['a', ['gold.revenue', 'silver.orders'], { revenue: 'gold.revenue' }],
      ['b', ['gold.revenue', 'silver.customers'], { customers: 'silver.customers', revenue: 'gold.revenue' }],
    ]);
    assert.deepEqual(testsOf('silver.customers'), []);
  });

  it("reads its config(): severity and thresholds, enabled; refuses a model's settings", () => {
    const settingsOf = (id: string) =>
      loadProject(folder.dir)
        .models.get(id)!
        .config.tests.map(({ kind, severity, warnIf, errorIf, failCalc, limit }) => ({
          kind,
          severity,
          warnIf,
          errorIf,
          failCalc,
          limit,
        }));
    folder.write(
      'tests/few_orders.sql',
      "{{ config(severity='warn', warn_if='>10', error_if='>100', fail_calc='sum(n)', limit=1000) }}\nSELECT 1 AS n FROM {{ ref('revenue') }}",
    );
    folder.write('tests/off.sql', "{{ config(enabled=False) }}\nSELECT * FROM {{ ref('revenue') }}");
    assert.deepEqual(settingsOf('gold.revenue'), [
      { kind: 'sql', severity: 'warn', warnIf: '>10', errorIf: '>100', failCalc: 'sum(n)', limit: 1000 },
    ]);
    folder.write('tests/off.sql', "{{ config(materialized='table') }}\nSELECT * FROM {{ ref('revenue') }}");
    assert.throws(
      () => loadProject(folder.dir),
      /tests\/off\.sql:1: config\(\): materialized is not a setting of a singular test/,
    );
    folder.write('tests/off.sql', "{{ config(error_if='many') }}\nSELECT * FROM {{ ref('revenue') }}");
    assert.throws(() => loadProject(folder.dir), /tests\/off\.sql:1: config\(\): error_if must compare the failures/);
  });

  it('refuses a name no model has, or one two layers share, at the file', () => {
    folder.write('tests/x.sql', "SELECT * FROM {{ ref('nothing') }}");
    assert.throws(() => loadProject(folder.dir), /^PipelineError: tests\/x\.sql:1: ref\('nothing'\) names no model/);
    // bronze.orders and silver.orders share the name.
    folder.write('tests/x.sql', "SELECT * FROM {{ ref('orders') }}");
    assert.throws(() => loadProject(folder.dir), /ref\('orders'\) is ambiguous: bronze\.orders and silver\.orders/);
  });
});
