import assert from 'node:assert/strict';
import { loadProject } from './loader.ts';
import { useProjectFolder } from '../testing/project-folder.ts';

describe("engine: dbt's target.name while the project loads", () => {
  const folder = useProjectFolder();
  beforeEach(() => {
    folder.write('silver/big.sql', 'SELECT 1 AS x\n');
    folder.write('silver/sample.sql', 'SELECT 1 AS x\n');
    folder.write(
      'gold/report.sql',
      // The ref is built by the template (the load renders it to find it): which one depends on the target.
      "{% set inputs = ['silver.big'] if target.name == 'main' else ['silver.sample'] %}{% for t in inputs %}SELECT * FROM {{ ref(t) }}{% endfor %}\n",
    );
  });

  it('is the branch the project is loaded for, so the plan orders a model after what it reads there', () => {
    const refs = (target?: string) =>
      loadProject(folder.dir, folder.dir, { target })
        .models.get('gold.report')!
        .refs.map((r) => r.target);
    assert.deepEqual(refs('main'), ['silver.big']);
    assert.deepEqual(refs('feature'), ['silver.sample']);
    assert.deepEqual(refs(), ['silver.sample']);
  });
});
