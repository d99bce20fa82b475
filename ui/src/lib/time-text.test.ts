import assert from 'node:assert/strict';
import { isoTime } from './time-text.ts';

describe('isoTime', () => {
  it('writes epoch milliseconds and ISO text as ISO-8601', () => {
    assert.equal(isoTime(0), '1970-01-01T00:00:00.000Z');
    assert.equal(isoTime('1700000000000'), '2023-11-14T22:13:20.000Z');
    assert.equal(isoTime('2026-12-05T15:37:49.716Z'), '2026-12-05T15:37:49.716Z');
  });

  it('shows a time no Date holds as the raw value instead of throwing', () => {
    assert.equal(isoTime(9_000_000_000_000_000), '9000000000000000 (not a valid time)');
    assert.equal(isoTime('9000000000000000'), '9000000000000000 (not a valid time)');
    assert.equal(isoTime('yesterday'), 'yesterday (not a valid time)');
  });
});
