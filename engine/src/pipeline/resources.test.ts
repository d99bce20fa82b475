import assert from 'node:assert/strict';
import { loadProject } from './loader.ts';
import { listResources } from './resources.ts';
import { useProjectFolder } from '../testing/project-folder.ts';

describe("engine: dbt's ls (the project's resources)", () => {
  const folder = useProjectFolder();
  const { write } = folder;
  beforeEach(() => {
    write('seeds/codes.csv', 'code\nA\n');
    write('silver/orders.sql', "SELECT * FROM {{ source('raw', 'orders') }} JOIN {{ ref('codes') }} USING (code)\n");
    write('silver/other.sql', 'SELECT 1 AS x\n');
    write(
      'silver/schema.yml',
      [
        'version: 2',
        'models:',
        '  - name: orders',
        '    columns: [{ name: id, data_tests: [unique] }]',
        'sources:',
        '  - name: raw',
        '    tables: [{ name: orders, columns: [{ name: id, data_tests: [not_null] }] }]',
        'exposures:',
        '  - { name: board, type: dashboard, owner: { name: a }, depends_on: ["ref(\'orders\')"] }',
        '',
      ].join('\n'),
    );
    write('analyses/counts.sql', "SELECT count(*) FROM {{ ref('orders') }}\n");
  });

  it('lists everything without a selector, by type', () => {
    const all = listResources(loadProject(folder.dir)).map((r) => [r.type, r.id, r.tests ?? '']);
    assert.deepEqual(all, [
      ['seed', 'bronze.codes', ''],
      ['model', 'silver.orders', ''],
      ['model', 'silver.other', ''],
      ['test', 'unique_orders_id', 'silver.orders'],
      ['test', 'source_not_null_raw_orders_id', 'raw.orders'],
      ['source', 'raw.orders', ''],
      ['analysis', 'counts', ''],
      ['exposure', 'board', ''],
    ]);
  });

  it("lists a selector's models, their tests and their sources' tests, and the analyses it names", () => {
    const p = loadProject(folder.dir);
    assert.deepEqual(
      listResources(p, 'orders counts').map((r) => [r.type, r.id]),
      [
        ['model', 'silver.orders'],
        ['test', 'unique_orders_id'],
        ['test', 'source_not_null_raw_orders_id'],
        ['analysis', 'counts'],
      ],
    );
    assert.deepEqual(
      listResources(p, 'silver.other').map((r) => r.id),
      ['silver.other'],
    );
  });
});
