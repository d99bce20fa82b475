/**
 * dbt's ephemeral models with the real CLI and a real server: no table is written for them, the models that ref them
 * read their SELECT (through any depth; here by dbt's ref by name alone), their provenance names the tables
 * underneath, unit tests run for both, and an error in an ephemeral model's SQL points at its own file.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { IcebergRestClient } from '@ratatouille/catalog-client';
import { PROVENANCE } from '@ratatouille/engine';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';

describe("engine: dbt's ephemeral models (real CLI, real server)", function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n2,0.5,2024-01-02 10:00:00\n3,7.5,2024-01-03 10:00:00\n');
  const catalog = () => new IcebergRestClient({ server: p.server.url, ref: 'eph' });

  before(() => {
    p.write(
      'silver/big.sql',
      "-- materialized: ephemeral\nSELECT * FROM {{ ref('bronze.events') }} WHERE amount > 1\n",
    );
    p.write(
      'silver/big_days.sql',
      [
        "{{ config(materialized='ephemeral') }}",
        'SELECT id, amount, CAST(ts AS DATE) AS day',
        "FROM {{ ref('silver.big') }}",
        '',
      ].join('\n'),
    );
    p.write(
      'gold/daily.sql',
      [
        '/* ---',
        'unit_tests:',
        '  - name: sums_the_big_events_of_a_day',
        '    given:',
        "      - input: ref('big_days')",
        "        rows: [{ day: '2024-01-01', amount: 2 }, { day: '2024-01-01', amount: 3 }]",
        '    expect:',
        "      rows: [{ day: '2024-01-01', total: 5 }]",
        '--- */',
        "SELECT day, sum(amount) AS total FROM {{ ref('big_days') }} GROUP BY day",
        '',
      ].join('\n'),
    );
  });

  it('builds the models that read them from their SELECT, writes no table for them, and names the tables underneath', async () => {
    const r = await p.rat('run', '--branch', 'eph', '--json');
    assert.equal(r.code, 0, r.out);
    const report = JSON.parse(r.stdout) as {
      steps: Array<{ step: string }>;
      tests: Array<{ test: string; passed: boolean }>;
    };
    assert.deepEqual(
      report.steps.map((s) => s.step),
      ['bronze.events', 'gold.daily'],
    );
    assert.deepEqual(
      report.tests.filter((t) => t.test.startsWith('unit:')).map((t) => [t.test, t.passed]),
      [['unit:sums_the_big_events_of_a_day', true]],
    );
    const rows = await queryBranch(
      p.server,
      'eph',
      'SELECT CAST(day AS VARCHAR) AS day, total FROM gold.daily ORDER BY day',
    );
    assert.deepEqual(
      rows.map((x) => [x.day, Number(x.total)]),
      [
        ['2024-01-01', 1.5],
        ['2024-01-03', 7.5],
      ],
    );
    assert.equal(await catalog().tryLoadTable({ namespace: ['silver'], name: 'big' }), null);
    assert.equal(await catalog().tryLoadTable({ namespace: ['silver'], name: 'big_days' }), null);
    const md = (await catalog().loadTable({ namespace: ['gold'], name: 'daily' })).metadata;
    const s = md.snapshots.find((x) => x['snapshot-id'] === md['current-snapshot-id'])!;
    assert.equal(s.summary[PROVENANCE.inputs], 'bronze.events');
  });

  it("an error in an ephemeral model's SQL names its file and line", async () => {
    p.write(
      'silver/big.sql',
      "-- materialized: ephemeral\nSELECT *\nFROM {{ ref('bronze.events') }}\nWHERE amout > 1\n",
    );
    const r = await p.rat('run', '--branch', 'eph', '--json');
    assert.equal(r.code, 1, r.out);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; data: { file: string; line: number } } };
    assert.equal(error.code, 'MODEL_SQL_ERROR', r.out);
    assert.equal(error.data.file, path.join('silver', 'big.sql'));
    assert.equal(error.data.line, 4);
  });
});
