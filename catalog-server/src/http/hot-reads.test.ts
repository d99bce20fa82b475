import assert from 'node:assert/strict';
import { tableReadTarget } from './hot-reads.ts';

describe('table reads ahead of express: which requests it takes', () => {
  const target = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
    tableReadTarget(method, url, headers, 'main');

  it('takes the default branch and named refs, decoded as express decodes route parameters', () => {
    assert.deepEqual(target('/iceberg/v1/namespaces/db/tables/t'), {
      exists: false,
      path: '/iceberg/v1/namespaces/db/tables/t',
      query: {
        ref: 'main',
        namespace: ['db'],
        table: 't',
        snapshots: undefined,
        delegation: undefined,
        ifNoneMatch: undefined,
      },
    });
    const q = target('/iceberg/team%2Fx%40abc/v1/namespaces/a%1Fb%20c/tables/t%C3%A4+b%2Fl.e')!.query;
    assert.equal(q.ref, 'team/x@abc');
    assert.deepEqual(q.namespace, ['a', 'b c']);
    assert.equal(q.table, 'tä+b/l.e');
  });

  it('reads a ref named v1 as a ref, as the Iceberg router does', () => {
    assert.equal(target('/iceberg/v1/v1/namespaces/db/tables/t')?.query.ref, 'v1');
  });

  it('passes the snapshots parameter and the conditional and delegation headers on', () => {
    const q = target('/iceberg/dev/v1/namespaces/db/tables/t?snapshots=refs', {
      'if-none-match': '"abc"',
      'x-iceberg-access-delegation': 'vended-credentials',
    })!.query;
    assert.equal(q.snapshots, 'refs');
    assert.equal(q.ifNoneMatch, '"abc"');
    assert.equal(q.delegation, 'vended-credentials');
  });

  it('takes HEAD as tableExists, without a query', () => {
    assert.equal(target('/iceberg/dev/v1/namespaces/db/tables/t', {}, 'HEAD')?.exists, true);
    assert.equal(target('/iceberg/dev/v1/namespaces/db/tables/t?snapshots=all', {}, 'HEAD'), undefined);
    for (const method of ['POST', 'DELETE', 'PUT', 'OPTIONS']) {
      assert.equal(target('/iceberg/v1/namespaces/db/tables/t', {}, method), undefined, method);
    }
  });

  it('leaves to express every other path, query, body or undecodable parameter', () => {
    for (const url of [
      '/iceberg/v1/wh/namespaces/db/tables/t', // a prefix segment
      '/iceberg/V1/namespaces/db/tables/t', // express matches case-insensitively
      '/iceberg/v1/namespaces/db/tables/t/', // and with a trailing slash
      '/iceberg/v1/namespaces/db/tables/t/credentials',
      '/iceberg/v1/namespaces/db/tables',
      '/iceberg/v1/namespaces/db/tables/t?snapshots=all&x=1',
      '/iceberg/v1/namespaces/db/tables/t?snapshots=all&snapshots=refs',
      '/iceberg/v1/namespaces/db/tables/t?other=1',
      '/iceberg/v1/namespaces/db/tables/%E0%A4%A', // malformed escape: express answers 400
      '/iceberg/v1/namespaces/a%1F%1Fb/tables/t', // empty namespace level: 400
      'http://host/iceberg/v1/namespaces/db/tables/t',
    ]) {
      assert.equal(target(url), undefined, url);
    }
    assert.equal(target('/iceberg/v1/namespaces/db/tables/t', { 'content-length': '2' }), undefined);
    assert.equal(target('/iceberg/v1/namespaces/db/tables/t', { 'transfer-encoding': 'chunked' }), undefined);
    assert.ok(target('/iceberg/v1/namespaces/db/tables/t', { 'content-length': '0' }));
  });
});
