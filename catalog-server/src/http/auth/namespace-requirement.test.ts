import assert from 'node:assert/strict';
import type { Action } from '../../auth/policy.ts';
import { requirementOf } from './requirement.ts';

const H = '1a2b3c4d5e6f7a8b';
/** The namespace scopes of a request's actions ('ref-wide' for an action without one). */
const scopes = (method: string, path: string, body: unknown = {}, query: Record<string, unknown> = {}) => {
  const r = requirementOf({ method, path, body, query }, 'main');
  assert.equal(r.kind, 'actions', path);
  return (r as { actions: Action[] }).actions.map((a) => ('ns' in a && a.ns ? a.ns : 'ref-wide'));
};
const t = (namespace: string[], name = 't') => ({ namespace, name });

describe('the namespaces a request acts on', () => {
  it('Iceberg: the namespace in the path, with or without a prefix, for every table, view and function endpoint', () => {
    for (const [m, p] of [
      ['GET', '/iceberg/v1/namespaces/db'],
      ['HEAD', '/iceberg/v1/namespaces/db'],
      ['DELETE', '/iceberg/dev/v1/namespaces/db'],
      ['POST', '/iceberg/dev/v1/namespaces/db/properties'],
      ['GET', '/iceberg/v1/namespaces/db/tables'],
      ['POST', '/iceberg/v1/namespaces/db/tables'],
      ['GET', '/iceberg/v1/namespaces/db/views'],
      ['GET', '/iceberg/v1/namespaces/db/tables/t'],
      ['HEAD', '/iceberg/v1/namespaces/db/tables/t'],
      ['POST', '/iceberg/v1/namespaces/db/tables/t'],
      ['DELETE', '/iceberg/v1/namespaces/db/tables/t'],
      ['GET', '/iceberg/v1/namespaces/db/tables/t/credentials'],
      ['POST', '/iceberg/v1/namespaces/db/tables/t/metrics'],
      ['POST', '/iceberg/v1/namespaces/db/tables/t/plan'],
      ['GET', '/iceberg/v1/namespaces/db/tables/t/plan/p1'],
      ['POST', '/iceberg/v1/namespaces/db/tables/t/tasks'],
      ['POST', '/iceberg/v1/namespaces/db/tables/t/unregister'],
      ['GET', '/iceberg/v1/namespaces/db/views/v'],
      ['POST', '/iceberg/v1/wh/namespaces/db/views/v'],
      ['GET', '/iceberg/v1/namespaces/db/functions'],
      ['GET', '/iceberg/dev/v1/wh/namespaces/db/functions/add_one'],
      ['GET', '/iceberg/main/v1/WH/Namespaces/db/Tables/t/'],
    ]) {
      assert.deepEqual(scopes(m!, p!), [{ in: ['db'] }], `${m} ${p}`);
    }
    // A registration chooses where files are: the namespace's write, and one on the whole reference (location-choice.ts).
    for (const p of ['/iceberg/v1/namespaces/db/register', '/iceberg/v1/namespaces/db/register-view']) {
      assert.deepEqual(scopes('POST', p), [{ in: ['db'] }, 'ref-wide'], p);
    }
    assert.deepEqual(scopes('POST', '/iceberg/v1/namespaces/db/tables', { name: 't', location: 'file:///x' }), [
      { in: ['db'] },
      'ref-wide',
    ]);
    // Signing a write reads and writes in the table's namespace.
    assert.deepEqual(scopes('POST', '/iceberg/v1/namespaces/db/tables/t/sign', { method: 'PUT' }), [
      { in: ['db'] },
      { in: ['db'] },
    ]);
    // Levels joined by U+001F, and `+` already made a space ahead of routing.
    assert.deepEqual(scopes('GET', '/iceberg/v1/namespaces/sales%1Feu%20x/tables/t'), [{ in: ['sales', 'eu x'] }]);
  });

  it('Iceberg: a new namespace, both ends of a rename and every table of a transaction, from the body', () => {
    assert.deepEqual(scopes('POST', '/iceberg/v1/namespaces', { namespace: ['sales', 'eu'] }), [
      { in: ['sales', 'eu'] },
    ]);
    for (const kind of ['tables', 'views']) {
      assert.deepEqual(scopes('POST', `/iceberg/v1/${kind}/rename`, { source: t(['sales']), destination: t(['hr']) }), [
        { in: ['sales'] },
        { in: ['hr'] },
      ]);
    }
    assert.deepEqual(
      scopes('POST', '/iceberg/dev/v1/wh/transactions/commit', {
        'table-changes': [{ identifier: t(['a']) }, { identifier: t(['b', 'c']) }],
      }),
      [{ in: ['a'] }, { in: ['b', 'c'] }],
    );
  });

  it('Iceberg: listings and the config ask for some namespace (at or below the parent); the handler filters', () => {
    assert.deepEqual(scopes('GET', '/iceberg/v1/config'), [{ under: [] }]);
    assert.deepEqual(scopes('GET', '/iceberg/v1/namespaces'), [{ under: [] }]);
    assert.deepEqual(scopes('GET', '/iceberg/v1/namespaces', {}, { parent: 'sales\u001feu' }), [
      { under: ['sales', 'eu'] },
    ]);
  });

  it('Iceberg: fails closed (reference-wide) where the namespaces are not plain', () => {
    for (const [m, p, body, query] of [
      ['POST', '/iceberg/v1/namespaces', { namespace: [] }],
      ['POST', '/iceberg/v1/namespaces', { namespace: ['a', ''] }],
      ['GET', '/iceberg/v1/namespaces', {}, { parent: 'a\u001f' }],
      ['POST', '/iceberg/v1/tables/rename', { source: t(['a']) }],
      ['POST', '/iceberg/v1/transactions/commit', { 'table-changes': [{ identifier: t(['a']) }, {}] }],
      ['POST', '/iceberg/v1/transactions/commit', { 'table-changes': [] }],
      ['GET', '/iceberg/v1/namespaces/a%1F%1Fb'],
      ['GET', '/iceberg/v1/something/new'],
      ['DELETE', '/iceberg/v1/namespaces'],
      ['POST', '/iceberg/v1/config'],
    ] as Array<[string, string, unknown, Record<string, unknown>?]>) {
      assert.deepEqual(scopes(m, p, body, query ?? {}), ['ref-wide'], `${m} ${p}`);
    }
  });

  it('Iceberg: a path that reads with and without a prefix needs the namespaces of both readings', () => {
    // `namespaces/namespaces/tables/t/x` is table x's subresource… or, after prefix `namespaces`, table `t/x`'s.
    assert.deepEqual(scopes('GET', '/iceberg/v1/namespaces/namespaces/tables/t/credentials'), [{ in: ['namespaces'] }]);
    assert.deepEqual(scopes('GET', '/iceberg/v1/p/namespaces/db/tables'), [{ in: ['db'] }]);
    // …and `namespaces/namespaces/views` lists the views of `namespaces`, or loads namespace `views` after a prefix.
    assert.deepEqual(scopes('GET', '/iceberg/v1/namespaces/namespaces/views'), [
      { in: ['namespaces'] },
      { in: ['views'] },
    ]);
  });

  it('management API: reads filter, a key is pre-checked by its parent, commits name each key', () => {
    assert.deepEqual(scopes('GET', '/api/v2/trees/main/entries'), [{ under: [] }]);
    assert.deepEqual(scopes('GET', '/api/v2/trees/main/contents/sales.orders'), [{ under: ['sales'] }]);
    assert.deepEqual(scopes('GET', '/api/v2/trees/main/history'), ['ref-wide']);
    assert.deepEqual(scopes('GET', '/api/v2/trees/main/recent-changes'), ['ref-wide']);
    const put = (elements: string[], type: string) => ({ type: 'PUT', key: { elements }, content: { type } });
    assert.deepEqual(
      scopes('POST', `/api/v2/trees/main@${H}/history/commit`, {
        operations: [
          put(['sales', 'orders'], 'ICEBERG_TABLE'),
          put(['sales', 'eu'], 'NAMESPACE'),
          { type: 'DELETE', key: { elements: ['hr', 'x'] } },
        ],
      }),
      // The table's content names its metadata file: also a write on the whole reference (location-choice.ts).
      [{ in: ['sales'] }, { in: ['sales', 'eu'] }, { in: ['hr'] }, { in: ['hr', 'x'] }, 'ref-wide'],
    );
    for (const operations of [[], [{ type: 'PUT', key: { elements: ['a', 'b'] } }], [{ type: 'DELETE' }], 'x']) {
      assert.deepEqual(scopes('POST', '/api/v2/trees/main/history/commit', { operations }), ['ref-wide']);
    }
    // Merges and transplants: some namespace of both references up front, then each changed key (perKey).
    for (const [path, body] of [
      ['/api/v2/trees/main/history/merge', { fromRefName: 'dev', fromHash: H }],
      ['/api/v2/trees/main/history/transplant', { fromRefName: 'dev', hashesToTransplant: [H] }],
    ] as const) {
      const r = requirementOf({ method: 'POST', path, body, query: {} }, 'main');
      assert.ok(r.kind === 'actions' && r.perKey, path);
      assert.deepEqual(
        r.actions.map((a) => ('ns' in a ? a.ns : 'ref-wide')),
        r.actions.map(() => ({ under: [] })),
      );
      assert.deepEqual(
        r.perKey.map((a) => [a.kind, a.ref, 'ns' in a ? a.ns : 'ref-wide']),
        r.perKey.map((a) => [a.kind, a.kind === 'merge' ? 'main' : 'dev', 'ref-wide']),
      );
    }
    // References stay reference-wide.
    assert.deepEqual(scopes('PUT', '/api/v2/trees/main', { name: 'dev', type: 'BRANCH', hash: H }), [
      'ref-wide',
      'ref-wide',
    ]);
  });
});
