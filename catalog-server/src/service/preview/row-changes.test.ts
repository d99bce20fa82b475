import assert from 'node:assert/strict';
import { RowTally, rowOrder, type RowText } from './row-changes.ts';

function tally(from: RowText[], to: RowText[]): RowTally {
  const t = new RowTally();
  for (const r of from) t.add(r, 'from');
  for (const r of to) t.add(r, 'to');
  return t;
}

describe('RowTally', () => {
  it('cancels the rows both versions hold, wherever they were read', () => {
    const c = tally(
      [
        ['1', 'a'],
        ['2', 'b'],
        ['3', 'c'],
      ],
      [
        ['3', 'c'],
        ['1', 'a'],
        ['4', 'd'],
      ],
    ).changes([], 10);
    assert.deepEqual(c.added, [['4', 'd']]);
    assert.deepEqual(c.removed, [['2', 'b']]);
    assert.deepEqual(c.changed, []);
    assert.deepEqual(c.counts, { added: 1, removed: 1, changed: 0 });
    assert.equal(c.truncated, false);
  });

  it('counts duplicates as a multiset: a row held twice and once is one removed', () => {
    const c = tally(
      [
        ['1', 'a'],
        ['1', 'a'],
      ],
      [['1', 'a']],
    ).changes([], 10);
    assert.deepEqual(c.removed, [['1', 'a']]);
    assert.deepEqual(c.added, []);
  });

  it('pairs a removed and an added row of one key into a change', () => {
    const c = tally(
      [
        ['1', 'a'],
        ['2', 'b'],
        ['3', null],
      ],
      [
        ['1', 'a'],
        ['2', 'B'],
        ['3', '9.0'],
        ['5', 'e'],
      ],
    ).changes([0], 10);
    assert.deepEqual(c.changed, [
      { before: ['2', 'b'], after: ['2', 'B'] },
      { before: ['3', null], after: ['3', '9.0'] },
    ]);
    assert.deepEqual(c.added, [['5', 'e']]);
    assert.deepEqual(c.removed, []);
    assert.deepEqual(c.counts, { added: 1, removed: 0, changed: 2 });
  });

  it('leaves a key repeated on a side as added and removed rows', () => {
    const c = tally(
      [['1', 'a']],
      [
        ['1', 'b'],
        ['1', 'c'],
      ],
    ).changes([0], 10);
    assert.deepEqual(c.changed, []);
    assert.deepEqual(c.removed, [['1', 'a']]);
    assert.deepEqual(c.added, [
      ['1', 'b'],
      ['1', 'c'],
    ]);
  });

  it('cuts each list at the limit and says so, with the whole counts', () => {
    const to = Array.from({ length: 12 }, (_, i): RowText => [String(i), 'x']);
    const c = tally([], to).changes([0], 5);
    assert.equal(c.added.length, 5);
    assert.deepEqual(
      c.added.map((r) => r[0]),
      ['0', '1', '2', '3', '4'],
    );
    assert.equal(c.counts.added, 12);
    assert.equal(c.truncated, true);
  });
});

describe('rowOrder', () => {
  it('puts nulls first, numbers by value and other text by code unit, key columns first', () => {
    const rows: RowText[] = [
      ['b', '10'],
      ['a', '9'],
      [null, '11'],
      ['a', '-1'],
    ];
    assert.deepEqual([...rows].sort(rowOrder([1])), [
      ['a', '-1'],
      ['a', '9'],
      ['b', '10'],
      [null, '11'],
    ]);
    assert.deepEqual([...rows].sort(rowOrder([])), [
      [null, '11'],
      ['a', '-1'],
      ['a', '9'],
      ['b', '10'],
    ]);
  });
});
