import assert from 'node:assert/strict';
import { useClientSession } from './support/clients/index.ts';
import { SECRETS, TEAM_AUTH } from './support/auth.ts';

/**
 * Real clients against a server with the team auth config: PyIceberg, DuckDB and Spark with client credentials
 * (test/clients/auth_suite.py), a protected `main` that only takes merges from the releaser.
 */
describe('auth with real clients (PyIceberg, DuckDB, Spark)', function () {
  const session = useClientSession('auth_suite.py', {
    spark: true,
    server: { auth: TEAM_AUTH },
    config: { secrets: SECRETS },
  });

  it('PyIceberg with credential=etl:… writes on its branch', () => {
    assert.deepEqual(session.step('etl writes on its branch with credential=etl:secret'), [1, 2, 3]);
  });

  it('refuses etl a direct commit to protected main (403 ForbiddenError)', () => {
    assert.equal(session.raised('etl direct commit to protected main -> ForbiddenError'), 'ForbiddenError');
    assert.equal(session.raised('etl append to a table on protected main -> ForbiddenError'), 'ForbiddenError');
  });

  it('the releaser merges into main and the reader reads it', () => {
    session.step('rel merges etl into main');
    assert.deepEqual(session.step('bi reads main'), [1, 2, 3]);
  });

  it('refuses the reader any write', () => {
    assert.equal(session.raised('bi append on a branch -> ForbiddenError'), 'ForbiddenError');
    assert.equal(session.raised('bi creates a namespace -> ForbiddenError'), 'ForbiddenError');
  });

  it('refuses a client without or with wrong credentials', () => {
    assert.equal(session.raised('no credential -> UnauthorizedError'), 'UnauthorizedError');
    assert.equal(session.raised('wrong secret -> OAuthError'), 'OAuthError');
  });

  it('DuckDB connects with client credentials, reads, and is refused a write as a reader', () => {
    const v = session.step('duckdb connects with client credentials (bi) and reads main');
    assert.deepEqual(v.ids, [1, 2, 3]);
    assert.match(v.writeRefused, /403|Forbidden/i, 'the reader write must be refused by the catalog');
  });

  it('Spark (Java RESTCatalog) writes on a branch with credential=etl:…', () => {
    assert.deepEqual(session.step('spark writes on the etl branch with client credentials'), [1, 2, 3, 5]);
  });

  it('clients fetched their tokens at <uri>/v1/oauth/tokens; no request was answered 5xx', () => {
    const tokenCalls = session.proxy.exchanges.filter((e) => e.method === 'POST' && /\/v1\/oauth\/tokens$/.test(e.url));
    assert.ok(tokenCalls.some((e) => e.url === '/iceberg/etl/v1/oauth/tokens' && e.status === 200));
    assert.ok(tokenCalls.some((e) => e.url === '/iceberg/v1/oauth/tokens' && e.status === 401));
    const forbidden = session.proxy.exchanges.filter((e) => e.status === 403);
    assert.ok(forbidden.length >= 4);
    session.assertNoServerErrors();
  });
});
