import assert from 'node:assert/strict';
import { lineageGraph, visibleLineage, type TableRecord } from './lineage-graph.ts';

const table = (key: string, summary?: Record<string, string>, id = '1'): TableRecord => ({
  key,
  elements: key.split('.'),
  snapshot: summary ? { id, timestampMs: 1_700_000_000_000, summary } : null,
});
const model = (name: string, inputs: string, extra: Record<string, string> = {}) => ({
  operation: 'append',
  'rat.model': name,
  'rat.model-file': `${name.replace('.', '/')}.sql`,
  'rat.inputs': inputs,
  'rat.run-id': 'run-1',
  'rat.code-commit': 'c0ffee',
  ...extra,
});

describe('lineage graph', () => {
  it('links models to the tables they read and back, sorted, with provenance', () => {
    const nodes = lineageGraph([
      table('gold.revenue', model('gold.revenue', 'silver.orders,silver.customers')),
      table('silver.orders', model('silver.orders', 'bronze.orders', { 'rat.code-dirty': 'true' })),
      table('bronze.orders', model('bronze.orders', 'landing/orders/*.csv'), '42'),
      { ...table('silver.customers', { operation: 'append' }), comment: 'Customers, cleaned' },
      table('scratch.unrelated', { operation: 'append' }),
      table('empty.table'),
      // Written by the bronze.orders step beside its table: the file registry and the quarantine.
      table('_rat.ingest_files', model('bronze.orders', 'landing/orders/*.csv')),
      table('bronze.orders_rejected', model('bronze.orders', 'landing/orders/*.csv')),
    ]);
    assert.deepEqual(
      nodes.map((n) => [n.key, n.inputs, n.readBy, n.otherInputs]),
      [
        ['bronze.orders', [], ['silver.orders'], ['landing/orders/*.csv']],
        ['gold.revenue', ['silver.customers', 'silver.orders'], [], []],
        ['silver.customers', [], ['gold.revenue'], []],
        ['silver.orders', ['bronze.orders'], ['gold.revenue'], []],
      ],
    );
    const bronze = nodes[0]!;
    assert.equal(bronze.model, 'bronze.orders');
    assert.equal(bronze.modelFile, 'bronze/orders.sql');
    assert.equal(bronze.snapshotId, '42');
    assert.equal(bronze.runId, 'run-1');
    assert.equal(bronze.codeCommit, 'c0ffee');
    assert.equal(bronze.codeDirty, false);
    assert.equal(nodes[3]!.codeDirty, true);
    assert.equal(nodes[2]!.model, null, 'a table a model reads but none wrote');
    assert.equal(nodes[2]!.description, 'Customers, cleaned');
    assert.equal(bronze.description, null);
  });

  it('keeps a landing path with commas whole, and names inputs the reference lacks', () => {
    const [source] = lineageGraph([table('bronze.a', model('bronze.a', 'landing/{x,y}/*.csv'))]);
    assert.deepEqual(source!.otherInputs, ['landing/{x,y}/*.csv']);
    const nodes = lineageGraph([
      table('bronze.a', model('bronze.a', 'landing/a.csv')),
      table('silver.b', model('silver.b', 'bronze.a,bronze.dropped')),
    ]);
    assert.deepEqual(nodes[1]!.inputs, ['bronze.a']);
    assert.deepEqual(nodes[1]!.otherInputs, ['bronze.dropped']);
  });

  it('does not list a table as its own input (an incremental model reading {{ this }})', () => {
    const [n] = lineageGraph([table('silver.a', model('silver.a', 'silver.a'))]);
    assert.deepEqual([n!.inputs, n!.readBy, n!.otherInputs], [[], [], []]);
  });

  it('shows a namespace-restricted reader its tables only, naming no other table in their edges', () => {
    const records = [
      table('gold.revenue', model('gold.revenue', 'silver.orders,hr.rates')),
      table('silver.orders', model('silver.orders', 'bronze.orders')),
      table('bronze.orders', model('bronze.orders', 'landing/orders/*.csv')),
      table('hr.rates'),
      table('hr.salaries'),
    ];
    const all = lineageGraph(records);
    const seen = visibleLineage(all, (ns) => ns[0] === 'gold' || ns[0] === 'bronze', records);
    assert.deepEqual(
      seen.nodes.map((n) => [n.key, n.inputs, n.otherInputs, n.readBy]),
      [
        ['bronze.orders', [], ['landing/orders/*.csv'], []],
        ['gold.revenue', [], [], []],
      ],
    );
    // silver.orders, hr.rates and hr.salaries: three tables, none of them named.
    assert.equal(seen.withheld, 3);
    assert.doesNotMatch(JSON.stringify(seen.nodes), /silver|hr\./);
    assert.deepEqual(
      visibleLineage(all, () => true, records),
      { nodes: all, withheld: 0 },
    );
  });
});
