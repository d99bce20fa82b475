import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { pointInTime } from './point-in-time.ts';

describe('rat log --since / --until', () => {
  it('reads --since / --until as dates, times or spans back from now; anything else is a usage error', () => {
    const now = Date.parse('2026-12-08T00:00:00Z');
    assert.equal(pointInTime('7d', now), '2026-12-01T00:00:00.000Z');
    assert.equal(pointInTime('12h', now), '2026-12-07T12:00:00.000Z');
    assert.equal(pointInTime('30m', now), '2026-12-07T23:30:00.000Z');
    assert.equal(pointInTime('2w', now), '2026-11-24T00:00:00.000Z');
    assert.equal(pointInTime('2026-12-01T08:00:00Z', now), '2026-12-01T08:00:00.000Z');
    assert.throws(() => pointInTime('yesterday-ish', now), InvalidArgumentError);
  });
});
