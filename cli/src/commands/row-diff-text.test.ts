import assert from 'node:assert/strict';
import type { RowDiff } from '@ratatouille/catalog-client';
import { rowDiffText } from './row-diff-text.ts';

const side = { ref: 'main', hash: 'a'.repeat(64), table: true, snapshotId: '1' };
const base: RowDiff = {
  from: side,
  to: { ...side, ref: 'feature' },
  columns: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'name', type: 'string', required: false },
    { id: 3, name: 'amount', type: 'double', required: false },
  ],
  keyColumns: ['id'],
  added: [['4', 'kiwi', '4']],
  removed: [['2', 'pear', '2.25']],
  changed: [{ before: ['3', 'fig', null], after: ['3', 'fig', '9'] }],
  counts: { added: 1, removed: 1, changed: 1 },
  truncated: false,
  filesRead: 3,
  filesSkipped: 1,
  rowsRead: 6,
};

describe('rowDiffText', () => {
  it('prints the summary, then + and - rows whole and ~ rows by key with only the columns that changed', () => {
    assert.equal(
      rowDiffText('shop.orders', base),
      'shop.orders: 1 added, 1 removed, 1 changed (key: id); read 3 of 4 data files (1 unchanged)\n' +
        '+ id=4  name=kiwi  amount=4\n' +
        '- id=2  name=pear  amount=2.25\n' +
        '~ id=3  amount: NULL → 9\n',
    );
  });

  it('says when rows are compared whole and when lists were cut', () => {
    const text = rowDiffText('t', {
      ...base,
      keyColumns: [],
      changed: [],
      truncated: true,
      filesSkipped: 0,
      filesRead: 1,
    });
    assert.match(text, /\(rows compared whole\); read 1 of 1 data file \(0 unchanged\)/);
    assert.match(text, /the first 1 of each kind shown; --limit shows more/);
  });
});
