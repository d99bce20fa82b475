import assert from 'node:assert/strict';
import { loadProject } from './loader.ts';
import { plan } from './planner.ts';
import { useProjectFolder } from '../testing/project-folder.ts';

describe("engine: dbt's exposures", () => {
  const folder = useProjectFolder({
    'bronze/orders.yml': 'source:\n  path: landing/*.csv\n',
    'silver/orders.sql': "SELECT * FROM {{ ref('bronze.orders') }}\n",
    'silver/customers.sql': 'SELECT 1 AS id\n',
    'gold/revenue.sql': "SELECT * FROM {{ ref('silver', 'orders') }}\n",
    'gold/sources.yml': 'sources:\n  - name: crm\n    schema: lake\n    tables: [{ name: accounts }]\n',
    'gold/exposures.yml': [
      'version: 2',
      'exposures:',
      '  - name: weekly_kpis',
      '    type: dashboard',
      '    url: https://bi.example/kpis',
      '    owner: { name: Finance, email: fin@example.com }',
      '    depends_on:',
      "      - ref('revenue')",
      "      - ref('silver', 'customers')",
      "      - source('crm', 'accounts')",
      '  - name: churn_model',
      '    type: ml',
      '    depends_on: ["ref(\'customers\')"]',
      '',
    ].join('\n'),
  });
  const selected = (selector: string) =>
    plan(loadProject(folder.dir), selector)
      .steps.map((m) => m.id)
      .sort();

  it('reads what each depends on (models by name, sources by their dbt name) and selects it', () => {
    const exposures = loadProject(folder.dir).exposures!;
    assert.deepEqual(
      [...exposures.values()].map((e) => [e.name, e.type, e.owner?.name, e.dependsOn]),
      [
        ['weekly_kpis', 'dashboard', 'Finance', ['gold.revenue', 'silver.customers', 'lake.accounts']],
        ['churn_model', 'ml', undefined, ['silver.customers']],
      ],
    );
    assert.deepEqual(selected('exposure:weekly_kpis'), ['gold.revenue', 'silver.customers']);
    assert.deepEqual(selected('+exposure:weekly_kpis'), [
      'bronze.orders',
      'gold.revenue',
      'silver.customers',
      'silver.orders',
    ]);
    assert.deepEqual(selected('exposure:*'), ['gold.revenue', 'silver.customers']);
  });

  it('refuses a dependency naming nothing, a name used twice and a type dbt does not have, at the exposure', () => {
    const write = (entry: string) => folder.write('gold/exposures.yml', `exposures:\n${entry}`);
    write("  - name: x\n    type: dashboard\n    depends_on: [ref('nothing')]\n");
    assert.throws(() => loadProject(folder.dir), /gold\/exposures\.yml:2: exposure x: ref\('nothing'\) names no model/);
    write("  - name: x\n    type: dashboard\n    depends_on:\n      - source('crm', 'nope')\n");
    assert.throws(
      () => loadProject(folder.dir),
      /exposure x: depends on crm\.nope, which is no model nor declared source/,
    );
    write('  - name: x\n    type: report\n');
    assert.throws(
      () => loadProject(folder.dir),
      /exposure x: type must be one of dashboard, notebook, analysis, ml, application/,
    );
    write('  - name: x\n    type: ml\n  - name: x\n    type: ml\n');
    assert.throws(() => loadProject(folder.dir), /exposure x: is declared twice \(first at gold\/exposures\.yml:2\)/);
    write("  - name: x\n    type: ml\n    depends_on: ['orders']\n");
    assert.throws(() => loadProject(folder.dir), /depends_on lists ref\('name'\) or source\('source', 'table'\)/);
  });
});
