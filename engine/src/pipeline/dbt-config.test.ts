import assert from 'node:assert/strict';
import { compileModel, compileWithSourceMap } from './compile.ts';
import { dbtConfig } from './dbt-config.ts';
import { loadProject } from './loader.ts';
import type { SqlModel } from './model.ts';
import { useProjectFolder } from '../testing/project-folder.ts';

describe("engine: a model's settings by dbt's names (config.get() in templates)", () => {
  const folder = useProjectFolder({
    'bronze/orders.yml': 'source:\n  path: landing/*.csv\n',
    'silver/orders.sql': [
      '/* ---\nmaterialized: incremental\nunique_key: [id, day]\ntags: [nightly]\n--- */',
      "SELECT '{{ config.get('materialized') }}' AS m, '{{ config.get('unique_key') | join('+') }}' AS k,",
      "  '{{ config.get('incremental_strategy') }}' AS s, '{{ config.get('schema', default='none') }}' AS d,",
      "  '{{ config.require('tags') | join }}' AS t FROM {{ ref('bronze.orders') }}",
    ].join('\n'),
  });

  it("gives dbt's names and spellings: a snapshot, a seed, a source; merge for a keyed incremental", () => {
    const p = loadProject(folder.dir);
    assert.deepEqual(dbtConfig(p.models.get('silver.orders')!), {
      materialized: 'incremental',
      incremental_strategy: 'merge',
      tags: ['nightly'],
      unique_key: ['id', 'day'],
      on_schema_change: 'fail',
      'contract.enforced': false,
    });
    assert.equal(dbtConfig(p.models.get('bronze.orders')!).materialized, 'source');
  });

  it('answers config.get() and config.require() in a run, and nothing while the project loads', () => {
    const p = loadProject(folder.dir);
    const sql = compileModel(p.models.get('silver.orders') as SqlModel, { macros: p.macros }).sql;
    assert.match(sql, /SELECT 'incremental' AS m, 'id\+day' AS k,\s+'merge' AS s, 'none' AS d,\s+'nightly' AS t/);
    // Outside a model (the load's rendering) nothing is set, as in dbt's parse.
    assert.equal(compileWithSourceMap("{{ config.get('materialized') }}", 't').sql, 'NULL');
    folder.write(
      'silver/orders.sql',
      "SELECT '{{ config.require('event_time') }}' AS x FROM {{ ref('bronze.orders') }}\n",
    );
    const q = loadProject(folder.dir);
    assert.throws(
      () => compileModel(q.models.get('silver.orders') as SqlModel, { macros: q.macros }),
      /silver\/orders\.sql:1: config\.require\('event_time'\): the model does not set it/,
    );
  });
});
