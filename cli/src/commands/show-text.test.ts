import assert from 'node:assert/strict';
import type { Preview } from '@ratatouille/engine';
import { previewText } from './show-text.ts';

const preview = (o: Partial<Preview>): Preview => ({
  model: 'silver.orders',
  file: 'silver/orders.sql',
  from: 'select',
  sql: 'SELECT 1',
  columns: [
    { name: 'id', type: 'INTEGER' },
    { name: 'note', type: 'VARCHAR' },
  ],
  rows: [
    { id: 1, note: 'first\nline' },
    { id: 22, note: null },
  ],
  limit: 5,
  ...o,
});

describe('previewText', () => {
  it('prints a line naming the model and file, then a table padded to its widest cells', () => {
    assert.equal(
      previewText(preview({}), 'dev'),
      [
        'silver.orders (silver/orders.sql) on dev: 2 rows',
        '| id  | note        |',
        '| --- | ----------- |',
        '| 1   | first\\nline |',
        '| 22  | NULL        |',
      ].join('\n'),
    );
  });

  it('says "first N rows" when the limit cut the rows, and names inline SQL and tables as such', () => {
    assert.match(
      previewText(preview({ limit: 2 }), 'main'),
      /^silver\.orders \(silver\/orders\.sql\) on main: first 2 rows\n/,
    );
    assert.match(previewText(preview({ model: 'inline', file: '<inline>' }), 'main'), /^inline SQL on main: 2 rows\n/);
    assert.match(
      previewText(
        preview({ model: 'bronze.raw', file: 'seeds/raw.csv', from: 'table', rows: [{ id: 1, note: 'x' }] }),
        'main',
      ),
      /^bronze\.raw \(the table's rows\) on main: 1 row\n/,
    );
  });

  it('shows nested values as JSON, and a header alone when there is no row', () => {
    const nested = previewText(preview({ columns: [{ name: 'l', type: 'INTEGER[]' }], rows: [{ l: [1, 2] }] }), 'main');
    assert.match(nested, /\| \[1,2\] \|$/);
    assert.equal(previewText(preview({ rows: [] }), 'main').split('\n').length, 3);
  });
});
