import assert from 'node:assert/strict';
import { addBatches, batchStart, batchWindows, MAX_BATCHES, windowCondition } from './microbatch.ts';
import { parseBatchTime } from '../pipeline/incremental-strategy.ts';

const iso = (w: { start: Date; end: Date }[]) => w.map((x) => [x.start.toISOString(), x.end.toISOString()]);

describe("engine: dbt's microbatch windows", () => {
  it('starts batches at the hour, day, month or year (UTC) and steps by them', () => {
    const t = new Date('2024-03-15T10:42:07Z');
    assert.equal(batchStart(t, 'hour').toISOString(), '2024-03-15T10:00:00.000Z');
    assert.equal(batchStart(t, 'day').toISOString(), '2024-03-15T00:00:00.000Z');
    assert.equal(batchStart(t, 'month').toISOString(), '2024-03-01T00:00:00.000Z');
    assert.equal(batchStart(t, 'year').toISOString(), '2024-01-01T00:00:00.000Z');
    assert.equal(addBatches(new Date('2024-01-31T00:00:00Z'), 'month', 1).toISOString(), '2024-03-02T00:00:00.000Z');
    assert.equal(
      addBatches(batchStart(new Date('2024-01-31T00:00:00Z'), 'month'), 'month', 1).toISOString(),
      '2024-02-01T00:00:00.000Z',
    );
  });

  it('a run builds the lookback and the current batch; a new table from begin; a backfill its bounds', () => {
    const config = { batchSize: 'day' as const, begin: '2024-03-01', lookback: 1 };
    const now = new Date('2024-03-05T10:00:00Z');
    assert.deepEqual(iso(batchWindows(config, { now, fresh: false })), [
      ['2024-03-04T00:00:00.000Z', '2024-03-05T00:00:00.000Z'],
      ['2024-03-05T00:00:00.000Z', '2024-03-06T00:00:00.000Z'],
    ]);
    assert.equal(batchWindows(config, { now, fresh: true }).length, 5);
    assert.equal(batchWindows({ ...config, lookback: 0 }, { now, fresh: false }).length, 1);
    // A backfill's end cuts its last batch.
    assert.deepEqual(
      iso(
        batchWindows(config, {
          now,
          fresh: false,
          from: parseBatchTime('2024-01-01 12:00')!,
          to: parseBatchTime('2024-01-02 06:00')!,
        }),
      ),
      [
        ['2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z'],
        ['2024-01-02T00:00:00.000Z', '2024-01-02T06:00:00.000Z'],
      ],
    );
    assert.deepEqual(batchWindows(config, { now, fresh: false, from: now, to: batchStart(now, 'day') }), []);
    // One more than a run builds, so that the caller can say so.
    const hourly = batchWindows({ batchSize: 'hour', begin: '2020-01-01', lookback: 1 }, { now, fresh: true });
    assert.equal(hourly.length, MAX_BATCHES + 1);
  });

  it('reads dates and datetimes as written, UTC; a window as a condition on a column', () => {
    assert.equal(parseBatchTime('2024-01-01')?.toISOString(), '2024-01-01T00:00:00.000Z');
    assert.equal(parseBatchTime('2024-01-01T10:30:15')?.toISOString(), '2024-01-01T10:30:15.000Z');
    assert.equal(parseBatchTime('yesterday'), undefined);
    assert.equal(parseBatchTime('2024-13-01'), undefined);
    const w = { start: new Date('2024-01-01T00:00:00Z'), end: new Date('2024-01-02T00:00:00Z') };
    assert.equal(
      windowCondition('ts', w),
      `"ts" >= TIMESTAMP '2024-01-01 00:00:00' AND "ts" < TIMESTAMP '2024-01-02 00:00:00'`,
    );
  });
});
