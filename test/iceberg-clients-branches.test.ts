import assert from 'node:assert/strict';
import { http } from './support/server.ts';
import { loadIcebergJsSnippet, useClientSession } from './support/clients/index.ts';

/**
 * Branch isolation end to end: PyIceberg and Spark write on `feature` (URL /iceberg/feature), nothing shows on
 * main in PyIceberg, Spark or DuckDB until the management API merges feature into main; then all of them (and
 * iceberg-js) see it on main. Plus: create/rename/drop on a branch, a branch with a slash, a read-only ref@hash
 * view, and `transactions/commit` landing both tables or neither.
 */
describe('branch isolation across real clients', function () {
  const session = useClientSession('branches_suite.py', { spark: true });
  const step = session.step;
  const untouchedMain = { orders: [1, 2], tables: ['orders', 'to_drop', 'to_rename'] };

  it('writes on feature with PyIceberg and Spark (append, insert, create, rename, drop)', () => {
    step('setup on main with PyIceberg, create branch feature');
    step('start Spark (catalogs rat=main, feat=feature)');
    const v = step('write on feature: PyIceberg append, Spark INSERT + CREATE TABLE, rename, drop');
    assert.deepEqual(v.featureOrders, [1, 2, 3, 4]);
    assert.deepEqual(v.featureTables, ['only_feature', 'orders', 'renamed']);
  });

  it('before the merge, main shows none of it (PyIceberg, Spark, DuckDB)', () => {
    const py = step('before merge, main is untouched (PyIceberg)');
    assert.deepEqual(py.orders, untouchedMain.orders);
    assert.deepEqual(py.tables, untouchedMain.tables);
    assert.deepEqual(py.exists, { only_feature: false, renamed: false, to_rename: true, to_drop: true });
    const sp = step('before merge, main is untouched (Spark)');
    assert.deepEqual(sp.orders, untouchedMain.orders);
    assert.deepEqual(sp.tables, untouchedMain.tables);
    assert.deepEqual(sp.featOrders, [1, 2, 3, 4]);
    step('DuckDB attaches main and feature');
    const dk = step('before merge, main is untouched and feature has the writes (DuckDB)');
    assert.deepEqual(dk.orders, untouchedMain.orders);
    assert.deepEqual(dk.tables, untouchedMain.tables);
    assert.deepEqual(dk.featOrders, [1, 2, 3, 4], 'DuckDB reads what PyIceberg and Spark wrote');
    assert.deepEqual(dk.featTables, ['mor', 'only_feature', 'orders', 'renamed']);
  });

  it('DuckDB and PyIceberg read what Spark wrote with merge-on-read deletes', () => {
    const expected = [
      { id: 1, who: 'a' },
      { id: 3, who: 'C' },
      { id: 4, who: 'd' },
    ];
    const sp = step('Spark writes a merge-on-read table on feature (delete files)');
    assert.deepEqual(sp.rows, expected);
    assert.ok(sp.deleteFiles >= 1, 'Spark wrote delete files');
    assert.deepEqual(step('before merge, main is untouched and feature has the writes (DuckDB)').mor, expected);
    assert.deepEqual(step("PyIceberg reads Spark's merge-on-read table"), expected);
  });

  it('a read-only main@hash view reads the past and refuses writes with a 4xx', () => {
    const v = step('read-only main@hash view reads, refuses writes');
    assert.deepEqual(v.orders, [1, 2]);
    assert.ok(v.writeRefused, 'the append through main@hash must fail');
    assert.notEqual(v.writeRefused, 'ServerError', 'refused with a 4xx, not a 5xx');
    assert.deepEqual(v.mainAfter, [1, 2]);
  });

  it('after the merge, main shows everything (PyIceberg, Spark, DuckDB)', () => {
    const m = step('merge feature into main (management API)');
    assert.equal(m.wasSuccessful, true);
    const py = step('after merge, main has everything (PyIceberg)');
    assert.deepEqual(py.orders, [1, 2, 3, 4]);
    assert.deepEqual(py.onlyFeature, [100]);
    assert.deepEqual(py.exists, { only_feature: true, renamed: true, to_rename: false, to_drop: false });
    const sp = step('after merge, main has everything (Spark)');
    assert.deepEqual(sp.orders, [1, 2, 3, 4]);
    assert.deepEqual(sp.renamed, [10]);
    assert.deepEqual(sp.tables, ['mor', 'only_feature', 'orders', 'renamed']);
    const dk = step('after merge, main has everything (DuckDB)');
    assert.deepEqual(dk.orders, [1, 2, 3, 4]);
    assert.deepEqual(dk.tables, ['mor', 'only_feature', 'orders', 'renamed']);
    assert.deepEqual(dk.onlyFeature, [100]);
  });

  it('a branch whose name has a slash is addressed as %2F and isolated', () => {
    const v = step('a branch with a slash (/iceberg/feature%2Fx) is isolated too');
    assert.match(v.uri, /\/iceberg\/feature%2Fx$/);
    assert.deepEqual(v.fx, [1, 2, 3, 4, 5]);
    assert.deepEqual(v.main, [1, 2, 3, 4]);
    const other = step('Spark and DuckDB on the slash branch');
    assert.deepEqual(other.spark, [1, 2, 3, 4, 5]);
    assert.deepEqual(other.duckdb, [1, 2, 3, 4, 5, 7], 'DuckDB sees the row Spark wrote on feature/x');
    assert.deepEqual(other.pyiceberg, [1, 2, 3, 4, 5, 7]);
    assert.deepEqual(other.main, [1, 2, 3, 4]);
  });

  it('the branch lives on after a merge: Spark writes again, merges again', () => {
    const v = step('Spark writes on feature again, second merge');
    assert.deepEqual(v.before, [1, 2, 3, 4]);
    assert.deepEqual(v.after, [1, 2, 3, 4, 6]);
    step('stop Spark');
  });

  it('iceberg-js sees the merged state on main', async () => {
    const { catalog } = await loadIcebergJsSnippet(`${session.server.url}/iceberg/main`);
    const tables = await catalog.listTables({ namespace: ['br'] });
    assert.deepEqual(tables.identifiers.map((t) => t.name).sort(), ['mor', 'only_feature', 'orders', 'renamed']);
    const orders = await catalog.loadTable({ namespace: ['br'], name: 'orders' });
    const current = orders.snapshots?.find((s) => s['snapshot-id'] === orders['current-snapshot-id']);
    assert.equal(current?.summary['total-records'], '5');
  });

  describe('transactions/commit', () => {
    const ns = 'txn';
    const base = () => `${session.server.url}/iceberg`;
    const schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', type: 'long', required: false }] };
    const uuids: Record<string, string> = {};

    before(async () => {
      assert.equal((await http('POST', `${base()}/v1/namespaces`, { namespace: [ns] })).status, 200);
      for (const name of ['a', 'b']) {
        const res = await http('POST', `${base()}/v1/namespaces/${ns}/tables`, { name, schema });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        uuids[name] = res.body.metadata['table-uuid'];
      }
    });

    const change = (name: string, uuid: string, value: string) => ({
      identifier: { namespace: [ns], name },
      requirements: [{ type: 'assert-table-uuid', uuid }],
      updates: [{ action: 'set-properties', updates: { txn: value } }],
    });
    const prop = async (name: string) =>
      (await http('GET', `${base()}/v1/namespaces/${ns}/tables/${name}`)).body.metadata.properties?.txn;
    const mainHash = async () => (await http('GET', `${session.server.url}/api/v2/trees/main`)).body.reference.hash;

    it('a failed requirement on one table rejects the whole transaction (409), nothing lands', async () => {
      const before = await mainHash();
      const res = await http('POST', `${base()}/v1/transactions/commit`, {
        'table-changes': [change('a', uuids.a, 'bad'), change('b', '00000000-0000-0000-0000-000000000000', 'bad')],
      });
      assert.equal(res.status, 409, JSON.stringify(res.body));
      assert.equal(res.body.error.type, 'CommitFailedException');
      assert.equal(await prop('a'), undefined);
      assert.equal(await prop('b'), undefined);
      assert.equal(await mainHash(), before, 'no catalog commit');
    });

    it('a transaction on a branch is invisible on main', async () => {
      const head = await mainHash();
      const created = await http('POST', `${session.server.url}/api/v2/trees?name=txb&type=BRANCH`, {
        type: 'BRANCH',
        name: 'main',
        hash: head,
      });
      assert.ok(created.status < 300, JSON.stringify(created.body));
      const res = await http('POST', `${session.server.url}/iceberg/txb/v1/transactions/commit`, {
        'table-changes': [change('a', uuids.a, 'branch'), change('b', uuids.b, 'branch')],
      });
      assert.equal(res.status, 204, JSON.stringify(res.body));
      const onBranch = async (name: string) =>
        (await http('GET', `${session.server.url}/iceberg/txb/v1/namespaces/${ns}/tables/${name}`)).body.metadata
          .properties?.txn;
      assert.equal(await onBranch('a'), 'branch');
      assert.equal(await onBranch('b'), 'branch');
      assert.equal(await prop('a'), undefined);
      assert.equal(await prop('b'), undefined);
      assert.equal(await mainHash(), head);
    });

    it('both tables change together as one catalog commit', async () => {
      const before = await mainHash();
      const res = await http('POST', `${base()}/v1/transactions/commit`, {
        'table-changes': [change('a', uuids.a, 'ok'), change('b', uuids.b, 'ok')],
      });
      assert.equal(res.status, 204, JSON.stringify(res.body));
      assert.equal(await prop('a'), 'ok');
      assert.equal(await prop('b'), 'ok');
      const log = await http('GET', `${session.server.url}/api/v2/trees/main/history?maxRecords=5`);
      assert.equal(log.status, 200);
      const hashes: string[] = log.body.logEntries.map((e: { commitMeta: { hash: string } }) => e.commitMeta.hash);
      assert.equal(hashes[1], before, 'exactly one commit on top of the previous head');
    });
  });

  it('no request of the client session was answered with a 5xx', () => {
    session.assertNoServerErrors();
  });
});
