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

  it('refuses a name no model has, or one two layers share, at the file', () => {
    folder.write('tests/x.sql', "SELECT * FROM {{ ref('nothing') }}");
    assert.throws(() => loadProject(folder.dir), /^PipelineError: tests\/x\.sql:1: ref\('nothing'\) names no model/);
    // bronze.orders and silver.orders share the name.
    folder.write('tests/x.sql', "SELECT * FROM {{ ref('orders') }}");
    assert.throws(() => loadProject(folder.dir), /ref\('orders'\) is ambiguous: bronze\.orders and silver\.orders/);
  });
});
