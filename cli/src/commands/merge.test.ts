import assert from 'node:assert/strict';
import { detailLine } from './merge.ts';

describe('rat merge output', () => {
  const key = { elements: ['db', 'orders'] };

  it('marks merged tables with R and says what was replayed', () => {
    const line = detailLine({
      key,
      mergeBehavior: 'NORMAL',
      outcome: 'RESOLVED',
      resolution: { summary: 'replayed 2 snapshots, +3 files, +1,200 rows' },
    });
    assert.equal(line, '  R  db.orders: replayed 2 snapshots, +3 files, +1,200 rows');
  });

  it('keeps the F/D markers and a blank for keys taken from the source', () => {
    assert.equal(detailLine({ key, mergeBehavior: 'NORMAL', outcome: 'TAKEN' }), '     db.orders');
    assert.equal(detailLine({ key, mergeBehavior: 'FORCE', outcome: 'TAKEN' }), "  F  db.orders: source's version");
    assert.equal(detailLine({ key, mergeBehavior: 'DROP', outcome: 'KEPT' }), "  K  db.orders: target's version kept");
    assert.equal(
      detailLine({ key, mergeBehavior: 'NORMAL', outcome: 'IDENTICAL' }),
      '     db.orders: already the same on the target',
    );
  });
});
