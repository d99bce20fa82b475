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
    // The quoted ATTACH string is the warehouse (the server refuses unknown ones), the alias is the catalog name.
    assert.match(c.duckdb, /^ATTACH 'default' AS rat \(/m);
    assert.deepEqual(c.pyicebergYaml, { catalog: { rat: { type: 'rest', uri: c.uri } } });
    assert.ok(c.spark['spark.jars.packages'].startsWith('org.apache.iceberg:iceberg-spark-runtime-'));
    assert.match(c.spark['spark.sql.extensions'], /IcebergSparkSessionExtensions/);
  });

  it('marks a pinned ref read-only', () => {
    const c = connectionEnv({ catalogUrl: 'http://h', ref: 'main@abc', readOnly: true, catalogName: 'lake' });
    assert.equal(c.uri, 'http://h/iceberg/main%40abc');
    assert.ok('PYICEBERG_CATALOG__LAKE__URI' in c.pyiceberg);
    assert.match(c.duckdb, /READ_ONLY/);
  });

  it('refers to the credentials in the environment, never their values', () => {
    const cc = connectionEnv({ catalogUrl: 'http://h', ref: 'dev', auth: 'client-credentials' });
    assert.equal(cc.pyiceberg['PYICEBERG_CATALOG__RAT__CREDENTIAL'], '${RAT_CLIENT_ID}:${RAT_CLIENT_SECRET}');
    assert.equal(cc.spark['spark.sql.catalog.rat.credential'], '${RAT_CLIENT_ID}:${RAT_CLIENT_SECRET}');
    assert.match(cc.duckdb, /OAUTH2_SERVER_URI 'http:\/\/h\/iceberg\/v1\/oauth\/tokens'/);
    assert.match(cc.duckdb, /SECRET rat_auth\)/);
    const t = connectionEnv({ catalogUrl: 'http://h', ref: 'dev', auth: 'token' });
    assert.equal(t.pyiceberg['PYICEBERG_CATALOG__RAT__TOKEN'], '${RAT_TOKEN}');
    assert.equal(t.spark['spark.sql.catalog.rat.token'], '${RAT_TOKEN}');
    const none = connectionEnv({ catalogUrl: 'http://h', ref: 'dev' });
    assert.ok(!Object.keys(none.pyiceberg).some((k) => k.endsWith('CREDENTIAL') || k.endsWith('TOKEN')));
    assert.match(none.duckdb, /AUTHORIZATION_TYPE 'none'/);
  });
});
