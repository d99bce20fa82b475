/**
 * dbt's incremental models as dbt users write them, run by the real CLI against a real server: settings in
 * `{{ config(...) }}`, the new rows picked by `{% if is_incremental() %}` reading `{{ this }}`, the branch rendered only
 * when the table exists and the run is not a full refresh, unit tests with dbt's `is_incremental` override, and a
 * clear error, with its line, for a template that does not render (loops and macros: engine-dbt-macros).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { IcebergRestClient } from '@ratatouille/catalog-client';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';

const MODEL = [
  "{{ config(materialized='incremental', on_schema_change='fail') }}",
  '/* the new events only, once the table exists */',
  'SELECT id, amount, ts',
  "FROM {{ ref('bronze.events') }}",
  '{%- if is_incremental() %}',
  'WHERE ts > (SELECT max(ts) FROM {{ this }})',
  '{%- endif %}',
  '',
].join('\n');

describe("engine: dbt's incremental models, config() and is_incremental() (real CLI, real server)", function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n2,2.5,2024-01-02 10:00:00\n');
  const ids = async (branch: string) =>
    (await queryBranch(p.server, branch, 'SELECT id FROM silver.events ORDER BY id')).map((r) => Number(r.id));
  const lastSnapshot = async (branch: string) => {
    const t = await new IcebergRestClient({ server: p.server.url, ref: branch }).loadTable({
      namespace: ['silver'],
      name: 'events',
    });
    const m = t!.metadata;
    return m.snapshots.find((s) => s['snapshot-id'] === m['current-snapshot-id'])!;
  };

  before(() => p.write('silver/events.sql', MODEL));

  it('renders the incremental branch only once the table exists: the second run appends the new rows alone', async () => {
    const first = await p.rat('run', '--branch', 'inc');
    assert.equal(first.code, 0, first.out);
    assert.deepEqual(await ids('inc'), [1, 2]);
    p.write('landing/b.csv', 'id,amount,ts\n3,3.5,2024-01-03 10:00:00\n');
    const second = await p.rat('run', '--branch', 'inc');
    assert.equal(second.code, 0, second.out);
    // Without the branch the whole of bronze (three rows) would have been appended again.
    assert.deepEqual(await ids('inc'), [1, 2, 3]);
    const s = await lastSnapshot('inc');
    assert.equal(s.summary.operation, 'append');
    assert.equal(s.summary['added-records'], '1');
  });

  it('a full refresh renders the model as on its first run and recomputes every row', async () => {
    // A changed expression: an incremental run would apply it to new rows only. Were the incremental branch rendered
    // under the refresh, no row would be newer than the table's and the table would be replaced by nothing.
    p.write('silver/events.sql', MODEL.replace('SELECT id, amount, ts', 'SELECT id, amount * 2 AS amount, ts'));
    const r = await p.rat('run', '--branch', 'inc', '--full-refresh');
    assert.equal(r.code, 0, r.out);
    const s = await lastSnapshot('inc');
    assert.equal(s.summary.operation, 'overwrite');
    assert.deepEqual(
      (await queryBranch(p.server, 'inc', 'SELECT id, amount FROM silver.events ORDER BY id')).map((x) => [
        Number(x.id),
        Number(x.amount),
      ]),
      [
        [1, 3],
        [2, 5],
        [3, 7],
      ],
    );
    p.write('silver/events.sql', MODEL);
  });

  it("runs unit tests with dbt's is_incremental override, and without it", async () => {
    const unit = (expected: number[]) =>
      [
        '/* ---',
        'unit_tests:',
        '  - name: only_newer_than_the_table',
        '    overrides: { macros: { is_incremental: true } }',
        '    given:',
        "      - input: ref('bronze.events')",
        "        rows: [{ id: 1, ts: '2024-01-01 10:00:00' }, { id: 5, ts: '2024-02-01 00:00:00' }]",
        '      - input: this',
        "        rows: [{ id: 4, ts: '2024-01-15 00:00:00' }]",
        '    expect:',
        `      rows: [${expected.map((id) => `{ id: ${id} }`).join(', ')}]`,
        '  - name: everything_on_a_first_run',
        '    given:',
        "      - input: ref('bronze.events')",
        "        rows: [{ id: 1, ts: '2024-01-01 10:00:00' }, { id: 5, ts: '2024-02-01 00:00:00' }]",
        '    expect:',
        '      rows: [{ id: 1 }, { id: 5 }]',
        '--- */',
        MODEL,
      ].join('\n');
    p.write('silver/events.sql', unit([5]));
    const passing = await p.rat('test', '--branch', 'inc', '--json');
    assert.equal(passing.code, 0, passing.out);
    const outcomes = JSON.parse(passing.stdout).tests.filter((t: { test: string }) => t.test.startsWith('unit:'));
    assert.deepEqual(
      outcomes.map((t: { test: string; passed: boolean }) => [t.test, t.passed]),
      [
        ['unit:only_newer_than_the_table', true],
        ['unit:everything_on_a_first_run', true],
      ],
    );
    p.write('silver/events.sql', unit([1, 5]));
    const failing = await p.rat('test', '--branch', 'inc', '--json');
    assert.equal(failing.code, 1, failing.out);
    const wrong = JSON.parse(failing.stdout).tests.find(
      (t: { test: string }) => t.test === 'unit:only_newer_than_the_table',
    );
    assert.equal(wrong.passed, false);
    assert.equal(wrong.failingRows, 1);
    p.write('silver/events.sql', MODEL);
  });

  it('refuses Jinja it does not render, computed config() arguments and strategies it does not follow, with the line', async () => {
    const invalid = async (sql: string, line: number, message: RegExp) => {
      p.write('silver/other.sql', sql);
      const r = await p.rat('run', '--branch', 'bad', '--json');
      assert.equal(r.code, 1, r.out);
      const { error } = JSON.parse(r.stdout);
      assert.equal(error.code, 'PIPELINE_INVALID', r.out);
      assert.equal(error.data.file, path.join('silver', 'other.sql'));
      assert.equal(error.data.line, line);
      assert.match(error.message, message);
    };
    await invalid("SELECT 1 AS x\n{% for c in ['a'] %}\n, {{ c }}\n", 2, /a block is not closed/);
    await invalid(
      "SELECT 1 AS x\n{{ dbt_utils.haversine_distance(ref('bronze.events')) }}\n",
      2,
      /dbt_utils\.haversine_distance\(\) is not provided/,
    );
    await invalid("\n{{ config(materialized=var('m')) }}\nSELECT 1 AS x\n", 2, /var is computed/);
    await invalid('SELECT 1 AS x\n{% if is_incremental() %}\nWHERE true\n', 2, /a block is not closed.*endif/);
    await invalid(
      "{{ config(materialized='incremental', incremental_strategy='replace_where') }}\nSELECT 1 AS x\n",
      1,
      /incremental_strategy replace_where: is not supported/,
    );
    await invalid(
      "/* ---\nmaterialized: table\n--- */\n{{ config(materialized='incremental') }}\nSELECT 1 AS x\n",
      4,
      /materialized is set both in the header and in config\(\)/,
    );
    rmSync(path.join(p.dir, 'silver', 'other.sql'));
  });

  it("leaves a model with dbt's enabled=false out of the run", async () => {
    p.write('silver/off.sql', "{{ config(enabled=False) }}\nSELECT * FROM {{ ref('bronze.events') }}\n");
    const r = await p.rat('run', '--branch', 'off', '--json');
    assert.equal(r.code, 0, r.out);
    const steps = JSON.parse(r.stdout).steps.map((s: { step: string }) => s.step);
    assert.deepEqual(steps.sort(), ['bronze.events', 'silver.events']);
    rmSync(path.join(p.dir, 'silver', 'off.sql'));
  });

  it("insert_overwrite: a run's rows replace the partitions they fall in, the others untouched", async () => {
    p.write(
      'silver/daily.sql',
      [
        "{{ config(materialized='incremental', incremental_strategy='insert_overwrite', partition_by=['day']) }}",
        'SELECT CAST(ts AS DATE) AS day, count(*) AS n, sum(amount) AS total',
        "FROM {{ ref('bronze.events') }}",
        '{%- if is_incremental() %}',
        'WHERE CAST(ts AS DATE) >= (SELECT max(day) FROM {{ this }})',
        '{%- endif %}',
        'GROUP BY 1',
        '',
      ].join('\n'),
    );
    const daily = async () =>
      (
        await queryBranch(p.server, 'io', 'SELECT CAST(day AS VARCHAR) AS day, n, total FROM silver.daily ORDER BY day')
      ).map((r) => [r.day, Number(r.n), Number(r.total)]);
    const all = async () =>
      (
        await queryBranch(
          p.server,
          'io',
          'SELECT CAST(CAST(ts AS DATE) AS VARCHAR) AS day, count(*) AS n, sum(amount) AS total FROM bronze.events GROUP BY 1 ORDER BY 1',
        )
      ).map((r) => [r.day, Number(r.n), Number(r.total)]);
    const first = await p.rat('run', '+silver.daily', '--branch', 'io');
    assert.equal(first.code, 0, first.out);
    const before = await daily();
    assert.deepEqual(before, await all());
    // A late row for the newest day and a row for a new day: the newest day's partition is recomputed and replaced,
    // the new day's added, the older days' files kept as they were (an append would have counted the newest day twice).
    const newest = before.at(-1)![0] as string;
    p.write('landing/late.csv', `id,amount,ts\n90,10,${newest} 23:00:00\n91,20,2030-01-01 10:00:00\n`);
    const second = await p.rat('run', '+silver.daily', '--branch', 'io');
    assert.equal(second.code, 0, second.out);
    assert.deepEqual(await daily(), await all());
    assert.equal((await daily()).length, before.length + 1);
    const t = await new IcebergRestClient({ server: p.server.url, ref: 'io' }).loadTable({
      namespace: ['silver'],
      name: 'daily',
    });
    const m = t!.metadata;
    const summary = m.snapshots.find((x) => x['snapshot-id'] === m['current-snapshot-id'])!.summary;
    assert.equal(summary.operation, 'overwrite');
    assert.deepEqual([summary['deleted-data-files'], summary['added-data-files']], ['1', '2']);
    rmSync(path.join(p.dir, 'silver', 'daily.sql'));
    rmSync(path.join(p.dir, 'landing', 'late.csv'));
  });
});
