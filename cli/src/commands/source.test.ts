import assert from 'node:assert/strict';
import { ageText, freshnessLine } from './source.ts';

describe('rat source freshness: its lines', () => {
  it('says ages as people do, and each outcome with its limits', () => {
    assert.deepEqual(
      [ageText(45_000), ageText(200_000), ageText(12_000_000), ageText(190_000_000)],
      ['45s', '3m 20s', '3h 20m', '2d 4h'],
    );
    assert.equal(
      freshnessLine({
        source: 'raw.orders',
        status: 'warn',
        loadedAtField: '_loaded_at',
        latest: '2026-12-01T00:00:00.000Z',
        ageMs: 12_000_000,
        warnAfterMs: 3_600_000,
      }),
      '⚠ warn raw.orders: newest _loaded_at 2026-12-01T00:00:00.000Z (3h 20m old; warn after 1h 0m)',
    );
    assert.equal(
      freshnessLine({
        source: 'raw.x',
        status: 'error',
        loadedAtField: 'ts',
        latest: null,
        ageMs: null,
        error: 'raw.x has no row',
      }),
      '✗ error raw.x: raw.x has no row',
    );
  });
});
