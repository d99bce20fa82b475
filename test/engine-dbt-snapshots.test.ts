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
    // dbt's dbt_scd_id (the MD5 of the key and the version's start, one per version) and dbt_updated_at (a check
    // strategy's version starts at the run's time).
    const ids = await q(
      "SELECT id, dbt_scd_id, dbt_scd_id = md5(CAST(id AS VARCHAR) || '|' || CAST(dbt_valid_from AS VARCHAR)) AS hashed, dbt_updated_at = dbt_valid_from AS dated FROM silver.events_history",
    );
    assert.equal(new Set(ids.map((r) => r.dbt_scd_id)).size, 3);
    assert.ok(
      ids.every((r) => r.hashed === true && r.dated === true),
      JSON.stringify(ids),
    );
    assert.deepEqual(
      (await q('SELECT id, amount FROM gold.current_events ORDER BY id')).map((r) => [Number(r.id), Number(r.amount)]),
      [
        [1, 1.5],
        [2, 9.5],
      ],
    );
  });

  it('hard deletes: a key gone from the SELECT closes its version (invalidate), or gets a deleted one (new_record)', async () => {
    p.write(
      'snapshots/more.sql',
      [
        '{% snapshot closed %}',
        "{{ config(unique_key='id', strategy='check', check_cols=['amount'], invalidate_hard_deletes=True) }}",
        "SELECT id, amount FROM {{ source('bronze', 'events') }}",
        '{% endsnapshot %}',
        '{% snapshot marked %}',
        "{{ config(unique_key='id', strategy='check', check_cols=['amount'], hard_deletes='new_record') }}",
        "SELECT id, amount FROM {{ source('bronze', 'events') }}",
        '{% endsnapshot %}',
        '',
      ].join('\n'),
    );
    const first = await p.rat('run', '--branch', 'snap');
    assert.equal(first.code, 0, first.out);
    // Row 1 is gone from the landing file; then it comes back.
    p.write('landing/a.csv', 'id,amount,ts\n2,9.5,2024-01-02 10:00:00\n');
    const second = await p.rat('run', '--branch', 'snap');
    assert.equal(second.code, 0, second.out);
    const versions = async (table: string, deleted = false) =>
      (
        await q(
          `SELECT id, amount, dbt_valid_to IS NULL AS open, is_current${deleted ? ', dbt_is_deleted' : ''} FROM silver.${table} ORDER BY id, dbt_valid_from`,
        )
      ).map((r) => [Number(r.id), Number(r.amount), r.open, r.is_current, ...(deleted ? [r.dbt_is_deleted] : [])]);
    assert.deepEqual(await versions('closed'), [
      [1, 1.5, false, false],
      [2, 9.5, true, true],
    ]);
    assert.deepEqual(await versions('marked', true), [
      [1, 1.5, false, false, 'False'],
      [1, 1.5, true, true, 'True'],
      [2, 9.5, true, true, 'False'],
    ]);
    // The deletion record is a version of its own, with its own id.
    const [{ n }] = await q('SELECT count(DISTINCT dbt_scd_id) AS n FROM silver.marked WHERE id = 1');
    assert.equal(Number(n), 2);
    // An unchanged run writes nothing; a key that comes back gets a new current version.
    const same = await p.rat('run', '--branch', 'snap', '--json');
    assert.equal(same.code, 0, same.out);
    p.write('landing/a.csv', 'id,amount,ts\n1,1.5,2024-01-01 10:00:00\n2,9.5,2024-01-02 10:00:00\n');
    const back = await p.rat('run', '--branch', 'snap');
    assert.equal(back.code, 0, back.out);
    assert.deepEqual(await versions('closed'), [
      [1, 1.5, false, false],
      [1, 1.5, true, true],
      [2, 9.5, true, true],
    ]);
    assert.deepEqual(await versions('marked', true), [
      [1, 1.5, false, false, 'False'],
      [1, 1.5, false, false, 'True'],
      [1, 1.5, true, true, 'False'],
      [2, 9.5, true, true, 'False'],
    ]);
  });

  it("versions a row by what it holds, not by when ingest read it again (a snapshot of the source's every column)", async () => {
    p.write(
      'snapshots/everything.sql',
      [
        '{% snapshot events_everything %}',
        "{{ config(unique_key='id', strategy='check', check_cols='all') }}",
        "SELECT * FROM {{ source('bronze', 'events') }}",
        '{% endsnapshot %}',
        '',
      ].join('\n'),
    );
    assert.equal((await p.rat('run', '--branch', 'snap')).code, 0);
    // The landing file changes (row 2 only): every row is ingested again, with new _ingested_at and _run_id.
    p.write('landing/a.csv', 'id,amount,ts\n1,1.5,2024-01-01 10:00:00\n2,7.5,2024-01-02 10:00:00\n');
    const r = await p.rat('run', '--branch', 'snap');
    assert.equal(r.code, 0, r.out);
    const rows = await q('SELECT id, amount, is_current FROM silver.events_everything ORDER BY id, dbt_valid_from');
    assert.deepEqual(
      rows.map((x) => [Number(x.id), Number(x.amount), x.is_current]),
      [
        [1, 1.5, true],
        [2, 9.5, false],
        [2, 7.5, true],
      ],
    );
  });
});
