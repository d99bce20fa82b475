import assert from 'node:assert/strict';
import { connectionEnv } from './connection-env.ts';

describe('connectionEnv', () => {
  it('encodes the ref into the Iceberg REST URI for PyIceberg, Spark and DuckDB', () => {
    const c = connectionEnv({ catalogUrl: 'http://h:8181/', ref: 'feature/x' });
    assert.equal(c.uri, 'http://h:8181/iceberg/feature%2Fx');
    assert.equal(c.pyiceberg['PYICEBERG_CATALOG__RAT__URI'], c.uri);
    assert.equal(c.pyiceberg['PYICEBERG_CATALOG__RAT__TYPE'], 'rest');
    assert.equal(c.spark['spark.sql.catalog.rat.uri'], c.uri);
    assert.match(c.duckdb, /ENDPOINT 'http:\/\/h:8181\/iceberg\/feature%2Fx'/);
    assert.doesNotMatch(c.duckdb, /READ_ONLY/);
  });

  it('marks a pinned ref read-only', () => {
    const c = connectionEnv({ catalogUrl: 'http://h', ref: 'main@abc', readOnly: true, catalogName: 'lake' });
    assert.equal(c.uri, 'http://h/iceberg/main%40abc');
    assert.ok('PYICEBERG_CATALOG__LAKE__URI' in c.pyiceberg);
    assert.match(c.duckdb, /READ_ONLY/);
  });
});
