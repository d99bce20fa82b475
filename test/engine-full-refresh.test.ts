/**
 * `rat run --full-refresh` (dbt's flag) with the real CLI and a real server: an incremental model whose SQL changed is
 * replaced with its whole result, marked so in its snapshot and in the run's merge commit; later runs are incremental
 * again; an unchanged refresh writes nothing; `full_refresh: false` keeps a model incremental.
 */
import assert from 'node:assert/strict';
import { IcebergRestClient, ManagementClient } from '@ratatouille/catalog-client';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';

const BRANCH = 'refresh';

describe('engine: rat run --full-refresh (real CLI, real server)', function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n2,2.5,2024-01-02 10:00:00\n3,3.5,2024-01-03 10:00:00\n');

  const model = (select: string, header = '') =>
    p.write('silver/events.sql', `-- materialized: incremental\n-- watermark: ts\n${header}${select}\n`);
  const rat = (...args: string[]) => p.rat(...args, '--branch', BRANCH);
  const rows = () => queryBranch(p.server, BRANCH, 'SELECT * FROM silver.events ORDER BY id');
  const table = async () =>
    (await new IcebergRestClient({ server: p.server.url, ref: BRANCH }).loadTable({
      namespace: ['silver'],
      name: 'events',
    }))!.metadata;
  const currentSummary = async () => {
    const md = await table();
    return md.snapshots.find((s) => s['snapshot-id'] === md['current-snapshot-id'])!.summary;
  };

  before(async () => {
    model("SELECT id, amount, ts FROM {{ ref('bronze.events') }}");
    const first = await rat('run');
    assert.equal(first.code, 0, first.out);
  });

  it('an incremental run keeps rows the old SQL computed, and refuses a new column', async () => {
    model("SELECT id, amount * 100 AS amount, ts FROM {{ ref('bronze.events') }}");
    const same = await rat('run');
    assert.equal(same.code, 0, same.out);
    assert.deepEqual(
      (await rows()).map((r) => r.amount),
      [1.5, 2.5, 3.5],
      'no row above the watermark: nothing recomputed',
    );
    model("SELECT id, amount * 100 AS amount, ts, 'eu' AS region FROM {{ ref('bronze.events') }}");
    const refused = await rat('run');
    assert.equal(refused.code, 1, refused.out);
    assert.match(refused.out, /SCHEMA_MISMATCH/);
    assert.match(
      refused.out,
      /Or replace the table with the new SQL's result: rat run silver\.events\+ --full-refresh/,
    );
  });

  it('--dry-run names the models and sources a full refresh replaces', async () => {
    const plan = await rat('run', '--full-refresh', '--dry-run');
    assert.equal(plan.code, 0, plan.out);
    assert.match(plan.out, /silver\.events\s+incremental \(full refresh\)/);
    // A source reads its landing files again (engine-source-refresh.test.ts).
    assert.match(plan.out, /bronze\.events\s+ingest landing\/\*\.csv \(full refresh\)/);
    const json = JSON.parse((await rat('run', 'silver.events', '--full-refresh', '--dry-run', '--json')).stdout);
    assert.deepEqual(
      json.steps.map((s: { id: string; fullRefresh?: boolean }) => [s.id, s.fullRefresh ?? false]),
      [['silver.events', true]],
    );
  });

  it('--full-refresh replaces the table with the new SQL over every row, and says so in the snapshot and the merge commit', async () => {
    const run = await rat('run', 'silver.events', '--full-refresh');
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, /silver\.events.*full refresh/);
    assert.deepEqual(
      (await rows()).map((r) => [Number(r.id), r.amount, r.region]),
      [
        [1, 150, 'eu'],
        [2, 250, 'eu'],
        [3, 350, 'eu'],
      ],
    );
    const summary = await currentSummary();
    assert.equal(summary.operation, 'overwrite');
    assert.equal(summary['rat.full-refresh'], 'true');
    assert.equal(summary['rat.derived-from'], undefined, 'a refresh is no append of particular landing files');
    assert.ok(summary['rat.input-snapshots'], 'the next incremental run follows the inputs from here');
    const head = (await new ManagementClient({ server: p.server.url }).log(BRANCH)).logEntries[0]!.commitMeta;
    assert.deepEqual(head.allProperties?.['rat.full-refresh'], ['silver.events']);
  });

  it('the next run is incremental again, and a refresh that changes nothing writes no snapshot', async () => {
    p.write('landing/b.csv', 'id,amount,ts\n4,4.5,2024-01-04 10:00:00\n');
    const run = await rat('run');
    assert.equal(run.code, 0, run.out);
    assert.deepEqual(
      (await rows()).map((r) => [Number(r.id), r.amount]),
      [
        [1, 150],
        [2, 250],
        [3, 350],
        [4, 450],
      ],
    );
    assert.equal((await currentSummary()).operation, 'append');
    const before = (await table()).snapshots.length;
    const again = await rat('run', '--full-refresh', '--json');
    assert.equal(again.code, 0, again.out);
    const step = JSON.parse(again.stdout).steps.find((s: { step: string }) => s.step === 'silver.events');
    assert.equal(step.note, 'unchanged');
    assert.equal((await table()).snapshots.length, before);
  });

  it('full_refresh: false keeps the model incremental under --full-refresh; full_refresh: true refreshes without it', async () => {
    model(
      "SELECT id, amount * 1000 AS amount, ts, 'eu' AS region FROM {{ ref('bronze.events') }}",
      '-- full_refresh: false\n',
    );
    const kept = await rat('run', '--full-refresh');
    assert.equal(kept.code, 0, kept.out);
    assert.deepEqual(
      (await rows()).map((r) => r.amount),
      [150, 250, 350, 450],
    );
    model(
      "SELECT id, amount * 1000 AS amount, ts, 'eu' AS region FROM {{ ref('bronze.events') }}",
      '-- full_refresh: true\n',
    );
    const always = await rat('run');
    assert.equal(always.code, 0, always.out);
    assert.deepEqual(
      (await rows()).map((r) => r.amount),
      [1500, 2500, 3500, 4500],
    );
  });
});
