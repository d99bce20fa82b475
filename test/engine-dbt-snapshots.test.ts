/**
 * dbt's snapshots with the real CLI against a real server: a `{% snapshot %}` block of `snapshots/` keeps the history
 * of what it selects, dated in dbt's `dbt_valid_from` / `dbt_valid_to`, and models read it as dbt's do.
 */
import assert from 'node:assert/strict';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';

describe("engine: dbt's snapshots (real CLI, real server)", function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n2,2.5,2024-01-02 10:00:00\n');
  const q = (sql: string) => queryBranch(p.server, 'snap', sql);

  before(() => {
    p.write(
      'snapshots/events.sql',
      [
        '{% snapshot events_history %}',
        "{{ config(target_schema='snapshots', unique_key='id', strategy='check', check_cols=['amount']) }}",
        "SELECT id, amount, ts FROM {{ source('bronze', 'events') }}",
        '{% endsnapshot %}',
        '',
      ].join('\n'),
    );
    p.write(
      'gold/current_events.sql',
      "SELECT id, amount FROM {{ ref('events_history') }} WHERE dbt_valid_to IS NULL\n",
    );
  });

  it('keeps each version of a changed row, dated in dbt columns, and models read the current ones', async () => {
    const first = await p.rat('run', '--branch', 'snap');
    assert.equal(first.code, 0, first.out);
    p.write('landing/a.csv', 'id,amount,ts\n1,1.5,2024-01-01 10:00:00\n2,9.5,2024-01-02 10:00:00\n');
    const second = await p.rat('run', '--branch', 'snap');
    assert.equal(second.code, 0, second.out);
    const history = await q(
      'SELECT id, amount, dbt_valid_to IS NULL AS open, dbt_valid_from IS NOT NULL AS dated, is_current FROM silver.events_history ORDER BY id, dbt_valid_from',
    );
    assert.deepEqual(
      history.map((r) => [Number(r.id), Number(r.amount), r.open, r.dated, r.is_current]),
      [
        [1, 1.5, true, true, true],
        [2, 2.5, false, true, false],
        [2, 9.5, true, true, true],
      ],
    );
    assert.deepEqual(
      (await q('SELECT id, amount FROM gold.current_events ORDER BY id')).map((r) => [Number(r.id), Number(r.amount)]),
      [
        [1, 1.5],
        [2, 9.5],
      ],
    );
  });

  it("refuses dbt's hard deletes rather than keep rows it was asked to close", async () => {
    p.write(
      'snapshots/more.sql',
      "{% snapshot gone %}\n{{ config(unique_key='id', invalidate_hard_deletes=True) }}\nSELECT 1 AS id\n{% endsnapshot %}\n",
    );
    const r = await p.rat('run', '--branch', 'snap', '--json');
    assert.equal(r.code, 1, r.out);
    const { error } = JSON.parse(r.stdout);
    assert.equal(error.code, 'PIPELINE_INVALID');
    assert.match(
      error.message,
      /^snapshots\/more\.sql:\d+: hard deletes \(invalidate_hard_deletes\) are not supported/,
    );
  });
});
