import assert from 'node:assert/strict';
import { mergeRunRecords, runDuration, runRecords, type TextTable } from './run-records.ts';

const columns = [
  'run_id',
  'branch',
  'run_branch',
  'code_commit',
  'selector',
  'started_at',
  'finished_at',
  'status',
  'steps',
  'failures',
  'error',
].map((name) => ({ name }));

const row = (id: string, branch: string, status: string, started: string, failures = '[]', error = 'null') => [
  id,
  branch,
  `rat-run-${id}`,
  '',
  '',
  started,
  started.replace(/:00\./, ':02.'),
  status,
  JSON.stringify([{ step: 'silver.products', rows: 3, files: 1, skipped: 0, rejected: 0, ms: 12 }]),
  failures,
  error,
];

describe('run records', () => {
  const failures = JSON.stringify([{ model: 'silver.products', test: 'sql:none', failingRows: 3 }]);
  const table: TextTable = {
    columns,
    rows: [
      row('a', 'main', 'success', '2026-12-03T10:00:00.000001'),
      row('b', 'main', 'failed', '2026-12-03T11:00:00.500000', failures),
      row('c', 'dev', 'success', '2026-12-03T12:00:00.000000'),
    ],
  };

  it('keeps the records of the branch, with JSON columns parsed and times in UTC', () => {
    const onMain = runRecords(table, 'main', 'main');
    assert.deepEqual(
      onMain.map((r) => r.runId),
      ['a', 'b'],
    );
    assert.equal(onMain[1]!.failures[0]!.failingRows, 3);
    assert.equal(onMain[1]!.steps[0]!.step, 'silver.products');
    assert.equal(onMain[1]!.startedAt, '2026-12-03T11:00:00.500Z');
    assert.equal(onMain[1]!.error, null);
    assert.equal(runDuration(onMain[1]!), '2.0 s');
  });

  it('on a kept run branch, keeps only that run', () => {
    assert.deepEqual(
      runRecords(table, 'main', 'rat-run-b').map((r) => [r.runId, r.foundOn]),
      [['b', 'rat-run-b']],
    );
    assert.deepEqual(runRecords(table, 'dev', 'rat-run-b'), []);
  });

  it('merges lists once per run, newest first', () => {
    const main = runRecords(table, 'main', 'main');
    const kept = runRecords(table, 'main', 'rat-run-b');
    assert.deepEqual(
      mergeRunRecords([kept, main]).map((r) => [r.runId, r.foundOn]),
      [
        ['b', 'rat-run-b'],
        ['a', 'main'],
      ],
    );
  });

  it('reads a step error and formats long durations', () => {
    const err = JSON.stringify({ step: 'silver.products', code: 'MISSING_TABLE', message: 'no table' });
    const [r] = runRecords(
      { columns, rows: [row('e', 'main', 'failed', '2026-12-03T10:00:00.0', '', err)] },
      'main',
      'main',
    );
    assert.equal(r!.error?.code, 'MISSING_TABLE');
    assert.deepEqual(r!.failures, []);
    assert.equal(runDuration({ startedAt: '2026-12-03T10:00:00Z', finishedAt: '2026-12-03T10:03:04Z' }), '3 min 4 s');
    assert.equal(runDuration({ startedAt: '', finishedAt: '' }), '');
  });
});
