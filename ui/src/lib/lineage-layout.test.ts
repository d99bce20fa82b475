import assert from 'node:assert/strict';
import { lineageDepths } from '@ratatouille/catalog-client/management';
import { BOX_WIDTH, boxHeight, dagLayout } from './lineage-layout.ts';

/** The shop example's models: sources, cleaned tables, facts and dimensions, and a KPI on the facts. */
const SHOP = [
  { key: 'bronze.orders', inputs: [] },
  { key: 'bronze.customers', inputs: [] },
  { key: 'silver.orders', inputs: ['bronze.orders'] },
  { key: 'silver.customers', inputs: ['bronze.customers'] },
  { key: 'gold.fct_orders', inputs: ['silver.orders'] },
  { key: 'gold.dim_customer', inputs: ['silver.customers'] },
  { key: 'gold.daily_revenue', inputs: ['gold.fct_orders'] },
  { key: 'gold.customer_orders', inputs: ['bronze.customers', 'gold.fct_orders'] },
];

describe('lineage layout', () => {
  it('puts a table one column right of the deepest table it reads', () => {
    assert.deepEqual(Object.fromEntries(lineageDepths(SHOP)), {
      'bronze.customers': 0,
      'bronze.orders': 0,
      'gold.customer_orders': 3,
      'gold.daily_revenue': 3,
      'gold.dim_customer': 2,
      'gold.fct_orders': 2,
      'silver.customers': 1,
      'silver.orders': 1,
    });
  });

  it('ignores inputs that are not listed and reads of itself, and ends a cycle', () => {
    const cols = lineageDepths([
      { key: 'a', inputs: ['gone', 'a'] },
      { key: 'b', inputs: ['c'] },
      { key: 'c', inputs: ['b'] },
    ]);
    assert.equal(cols.get('a'), 0);
    assert.deepEqual([cols.get('b'), cols.get('c')], [1, 0]);
  });

  it('stacks each column by key and draws one edge per listed input, whatever the order given', () => {
    const nodes = SHOP.map((n) => ({ ...n, lines: n.key.startsWith('bronze') ? 4 : 3 }));
    const a = dagLayout(nodes);
    const b = dagLayout([...nodes].reverse());
    assert.deepEqual(a, b);
    const box = (key: string) => a.boxes.find((x) => x.key === key)!;
    assert.ok(box('bronze.customers').y < box('bronze.orders').y);
    assert.equal(box('bronze.orders').x, box('bronze.customers').x);
    assert.ok(box('silver.orders').x >= box('bronze.orders').x + BOX_WIDTH);
    assert.equal(box('bronze.orders').height, boxHeight(4));
    assert.equal(
      a.edges.length,
      SHOP.reduce((n, t) => n + t.inputs.length, 0),
    );
    assert.deepEqual(
      a.edges.filter((e) => e.to === 'gold.customer_orders').map((e) => e.from),
      ['bronze.customers', 'gold.fct_orders'],
    );
    assert.ok(a.width >= box('gold.daily_revenue').x + BOX_WIDTH);
    assert.ok(a.height >= box('gold.dim_customer').y + box('gold.dim_customer').height);
  });

  it('lays out nothing for no tables', () => {
    assert.deepEqual(dagLayout([]), { boxes: [], edges: [], width: 0, height: 0 });
  });
});
