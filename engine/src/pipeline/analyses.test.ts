import assert from 'node:assert/strict';
import { loadProject } from './loader.ts';
import { adHocModel, selectedAnalyses } from './analyses.ts';
import { useProjectFolder } from '../testing/project-folder.ts';

describe("engine: dbt's analyses (analyses/*.sql)", () => {
  const folder = useProjectFolder();
  const { write } = folder;
  beforeEach(() => {
    write('silver/orders.sql', 'SELECT 1 AS id\n');
    write('analyses/finance/revenue.sql', "SELECT count(*) FROM {{ ref('orders') }}\n");
  });

  it('reads each file of analyses/ by its name, and picks the names a selector gives from the models', () => {
    const p = loadProject(folder.dir);
    assert.deepEqual(
      p.analyses!.map((a) => [a.name, a.file]),
      [['revenue', 'analyses/finance/revenue.sql']],
    );
    assert.deepEqual(selectedAnalyses(p, 'revenue silver.orders'), {
      analyses: p.analyses,
      models: 'silver.orders',
    });
    assert.deepEqual(selectedAnalyses(p, 'revenue').models, undefined);
    // A name a model has is the model's.
    write('analyses/orders.sql', 'SELECT 2\n');
    assert.deepEqual(selectedAnalyses(loadProject(folder.dir), 'orders').analyses, []);
  });

  it("reads an analysis's refs as a model's, and refuses a name no model has, or two files of one name", () => {
    const p = loadProject(folder.dir);
    const m = adHocModel(p, p.analyses![0]!.sql, p.analyses![0]!.file, 'revenue');
    assert.deepEqual(
      m.refs.map((r) => r.target),
      ['silver.orders'],
    );
    assert.throws(
      () => adHocModel(p, "SELECT * FROM {{ ref('ghost') }}", 'analyses/x.sql', 'x'),
      /analyses\/x\.sql: ref\('ghost'\) names no model/,
    );
    write('analyses/revenue.sql', 'SELECT 3\n');
    assert.throws(
      () => loadProject(folder.dir),
      /analyses\/revenue\.sql:1: analysis revenue is also analyses\/finance/,
    );
  });
});
