/**
 * dbt's microbatch incremental strategy with the real CLI and a real server: a model built in daily batches of its
 * event time, each batch reading its input (a source with an `event_time`) in its window only; a backfill of chosen
 * days (`--event-time-start` / `--event-time-end`) replaces those days' rows and no others; a run without them
 * rebuilds the lookback (yesterday and today, UTC).
 */
import assert from 'node:assert/strict';
import { IcebergRestClient } from '@ratatouille/catalog-client';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';

const MODEL = [
  "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='day',",
  "           batch_size='day', begin='2024-01-01') }}",
  "SELECT CAST(date_trunc('day', ts) AS TIMESTAMP) AS day, count(*) AS n, sum(amount) AS total,",
  "  (SELECT count(*) FROM {{ ref('bronze.events') }}) AS seen",
  "FROM {{ ref('bronze.events') }}",
  'GROUP BY 1',
  '',
].join('\n');

describe("engine: dbt's microbatch models (real CLI, real server)", function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1,2024-01-01 10:00:00\n2,2,2024-01-02 10:00:00\n3,3,2024-01-03 10:00:00\n');
  const days = async () =>
    (
      await queryBranch(
        p.server,
        'mb',
        'SELECT CAST(day AS VARCHAR) AS day, n, total, seen FROM silver.daily ORDER BY day',
      )
    ).map((r) => [String(r.day).slice(0, 10), Number(r.n), Number(r.total), Number(r.seen)]);
  const run = async (...args: string[]) => {
    const r = await p.rat('run', '--branch', 'mb', '--json', ...args);
    assert.equal(r.code, 0, r.out);
    return (JSON.parse(r.stdout) as { steps: { step: string; note?: string }[] }).steps.find(
      (s) => s.step === 'silver.daily',
    );
  };

  before(() => {
    p.write(
      'bronze/events.yml',
      'source:\n  path: landing/*.csv\n  format: csv\nevent_time: ts\ncolumns:\n  id: BIGINT\n  amount: DOUBLE\n  ts: TIMESTAMP\n',
    );
    p.write('silver/daily.sql', MODEL);
  });

  it('builds one batch per day, each reading its input in its own window', async () => {
    const plan = await p.rat('run', '--branch', 'mb', '--dry-run');
    assert.match(plan.out, /silver\.daily\s+incremental \(microbatch by day\)/);
    const step = await run('--event-time-start', '2024-01-01', '--event-time-end', '2024-01-04');
    assert.match(step?.note ?? '', /^3 batches/);
    // `seen` counts the input rows a batch reads: its own day's only.
    assert.deepEqual(await days(), [
      ['2024-01-01', 1, 1, 1],
      ['2024-01-02', 1, 2, 1],
      ['2024-01-03', 1, 3, 1],
    ]);
  });

  it("a backfill replaces its days' rows and leaves the others as they were", async () => {
    p.write('landing/late.csv', 'id,amount,ts\n4,40,2024-01-02 23:00:00\n5,50,2024-01-05 10:00:00\n');
    const step = await run('--event-time-start', '2024-01-02', '--event-time-end', '2024-01-03');
    assert.match(step?.note ?? '', /^1 batch\b/);
    assert.deepEqual(await days(), [
      ['2024-01-01', 1, 1, 1],
      ['2024-01-02', 2, 42, 2],
      ['2024-01-03', 1, 3, 1],
    ]);
    const t = await new IcebergRestClient({ server: p.server.url, ref: 'mb' }).loadTable({
      namespace: ['silver'],
      name: 'daily',
    });
    const m = t!.metadata;
    const summary = m.snapshots.find((x) => x['snapshot-id'] === m['current-snapshot-id'])!.summary;
    // Copy-on-write: the one file holding day 2's row is rewritten with the other days' rows and day 2's new one.
    assert.deepEqual(
      [summary.operation, summary['deleted-data-files'], summary['added-records']],
      ['overwrite', '1', '3'],
    );
  });

  it('a run without bounds rebuilds the lookback: yesterday and today', async () => {
    const today = new Date().toISOString().slice(0, 10);
    p.write('landing/today.csv', `id,amount,ts\n6,60,${today} 00:00:01\n`);
    const step = await run();
    assert.match(step?.note ?? '', /^2 batches/);
    const rows = await days();
    assert.deepEqual(rows.at(-1), [today, 1, 60, 1]);
    // 2024-01-05 is in no batch a run has built.
    assert.equal(rows.length, 4);
  });

  it('refuses a microbatch model without its settings, and a bad --event-time-start', async () => {
    p.write('silver/daily.sql', MODEL.replace("event_time='day',", ''));
    const r = await p.rat('run', '--branch', 'mb', '--json');
    assert.equal(r.code, 1, r.out);
    assert.match(JSON.parse(r.stdout).error.message, /incremental_strategy microbatch: needs event_time/);
    p.write('silver/daily.sql', MODEL);
    const bad = await p.rat('run', '--branch', 'mb', '--event-time-start', 'yesterday');
    assert.equal(bad.code, 1, bad.out);
    assert.match(bad.out, /Give a date or a date and time \(UTC\)/);
  });
});
