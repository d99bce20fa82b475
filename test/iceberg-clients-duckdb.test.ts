import assert from 'node:assert/strict';
import { useClientSession } from './support/clients/index.ts';

/**
 * DuckDB 1.5.5 with the iceberg extension loaded from the pinned `duckdb-extension-iceberg` wheel (no network),
 * attached to a fresh server (test/clients/duckdb_suite.py): reads a table PyIceberg wrote and writes itself.
 * Spark-written tables are read by DuckDB in iceberg-clients-branches.test.ts (one JVM there).
 */
describe('Iceberg REST with DuckDB (real client)', function () {
  const session = useClientSession('duckdb_suite.py');
  const step = session.step;

  it('attaches with the documented snippet and lists tables', () => {
    step('seed a partitioned table with PyIceberg');
    step('ATTACH with the documented snippet');
    assert.deepEqual(step('SHOW ALL TABLES lists the PyIceberg table'), ['dk.from_pyiceberg']);
  });

  it('reads what PyIceberg wrote: partitioned, evolved schema, full history', () => {
    assert.deepEqual(step('read the PyIceberg table (evolved schema, partitioned)').rows, [
      { id: 1, category: 'b', note: null },
      { id: 2, category: 'a', note: null },
      { id: 3, category: 'b', note: null },
      { id: 4, category: 'a', note: null },
    ]);
    assert.deepEqual(step('time travel with AT (VERSION => snapshot id)'), [1, 2, 3]);
    assert.equal(step('iceberg_snapshots() over the REST table'), 2);
  });

  it('writes: CREATE SCHEMA, CREATE TABLE, INSERT, CTAS (staged creates)', () => {
    assert.deepEqual(step('CREATE SCHEMA, CREATE TABLE, INSERT').ids, [1, 2, 3, 4]);
    assert.deepEqual(step('CREATE TABLE AS SELECT'), [10, 20, 30, 40]);
  });

  it('writes: DELETE and UPDATE', () => {
    const v = step('DELETE and UPDATE');
    assert.deepEqual(v.afterDelete, [1, 3, 4]);
    assert.deepEqual(v.rows, [
      { id: 1, name: 'one' },
      { id: 3, name: 'THREE' },
      { id: 4, name: 'four' },
    ]);
  });

  it('one DuckDB transaction over two tables commits both (transactions/commit)', () => {
    const v = step('one DuckDB transaction writing two tables');
    assert.deepEqual(v.t, [1, 3, 4, 5]);
    assert.deepEqual(v.ctas, [10, 20, 30, 40, 50]);
  });

  it('PyIceberg reads what DuckDB wrote; DROP TABLE', () => {
    const v = step('PyIceberg reads what DuckDB wrote');
    assert.deepEqual(v.rows, [
      { id: 1, name: 'one' },
      { id: 3, name: 'THREE' },
      { id: 4, name: 'four' },
      { id: 5, name: 'five' },
    ]);
    assert.equal(v.snapshots, 5);
    assert.deepEqual(step('DROP TABLE'), ['t']);
  });
  it('no request of the client session was answered with a 5xx', () => {
    session.assertNoServerErrors();
  });
});
