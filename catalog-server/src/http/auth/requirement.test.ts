import assert from 'node:assert/strict';
import { requirementOf, type Requirement } from './requirement.ts';

const H = '1a2b3c4d5e6f7a8b';
const req = (method: string, path: string, body: unknown = {}, query: Record<string, unknown> = {}): Requirement =>
  requirementOf({ method, path, body, query }, 'main');
type Scope = { in: string[] } | { under: string[] };
const acts = (
  ...a: Array<
    | [string, string | null]
    | [string, string | null, string | undefined]
    | [string, string | null, string | undefined, Scope]
  >
): Requirement => ({
  kind: 'actions',
  actions: a.map(
    ([kind, ref, at, ns]) => ({ kind, ref, ...(at === undefined ? {} : { at }), ...(ns ? { ns } : {}) }) as never,
  ),
});
const ANY: Scope = { under: [] };
type Plain = [string, string | null] | [string, string | null, string | undefined];
/** A merge's or transplant's: its actions in some namespace up front, and each again per changed key. */
const byKey = (...a: Plain[]): Requirement => {
  const plain = acts(...a) as unknown as { actions: never[] };
  const scoped = acts(
    ...a.map(([kind, ref, at]): [string, string | null, string | undefined, Scope] => [kind, ref, at, ANY]),
  );
  return { ...scoped, perKey: plain.actions } as Requirement;
};
const db: Scope = { in: ['db'] };

describe('what a request needs', () => {
  it('Iceberg routes: the ref in the URL; reads, metrics and scan plans read, everything else commits', () => {
    assert.deepEqual(req('GET', '/iceberg/v1/config'), acts(['read', 'main', undefined, ANY]));
    assert.deepEqual(req('HEAD', '/iceberg/feature%2Fx/v1/namespaces/db'), acts(['read', 'feature/x', undefined, db]));
    assert.deepEqual(req('POST', '/iceberg/dev/v1/namespaces/db/tables/t'), acts(['commit', 'dev', undefined, db]));
    assert.deepEqual(req('DELETE', '/iceberg/v1/wh/namespaces/db'), acts(['commit', 'main', undefined, db]));
    assert.deepEqual(
      req('POST', '/iceberg/dev/v1/namespaces/db/tables/t/metrics'),
      acts(['read', 'dev', undefined, db]),
    );
    assert.deepEqual(
      req('POST', '/iceberg/dev/v1/wh/namespaces/db/tables/t/Metrics/'),
      acts(['read', 'dev', undefined, db]),
    );
    // Planning a scan and fetching its tasks read the table, like a load.
    for (const word of ['plan', 'tasks', 'Plan'])
      assert.deepEqual(
        req('POST', `/iceberg/dev/v1/namespaces/db/tables/t/${word}`),
        acts(['read', 'dev', undefined, db]),
        word,
      );
    // Fetching or cancelling a plan by id reads it too; dropping the table does not.
    for (const method of ['GET', 'DELETE'])
      for (const prefix of ['', 'wh/'])
        assert.deepEqual(
          req(method, `/iceberg/dev/v1/${prefix}namespaces/db/tables/t/plan/p-1`),
          acts(['read', 'dev', undefined, db]),
          `${method} ${prefix}`,
        );
    assert.deepEqual(req('DELETE', '/iceberg/dev/v1/namespaces/db/tables/t'), acts(['commit', 'dev', undefined, db]));
    assert.deepEqual(
      req('POST', '/iceberg/main/v1/namespaces/db/tables/plan'),
      acts(['commit', 'main', undefined, db]),
      'a table named plan is committed to',
    );
    // Unregistering a table takes it off the branch, as a drop does.
    assert.deepEqual(
      req('POST', '/iceberg/dev/v1/namespaces/db/tables/t/unregister'),
      acts(['commit', 'dev', undefined, db]),
    );
    // A table (or view) named metrics is committed to like any other.
    assert.deepEqual(
      req('POST', '/iceberg/main/v1/namespaces/db/tables/metrics'),
      acts(['commit', 'main', undefined, db]),
    );
    assert.deepEqual(
      req('POST', '/iceberg/main/v1/namespaces/db/tables/Metrics'),
      acts(['commit', 'main', undefined, db]),
    );
    assert.deepEqual(
      req('POST', '/iceberg/main/v1/namespaces/vw/views/metrics'),
      acts(['commit', 'main', undefined, { in: ['vw'] }]),
    );
    assert.deepEqual(
      req('POST', '/iceberg/main/v1/wh/namespaces/db/tables/metrics'),
      acts(['commit', 'main', undefined, db]),
    );
    assert.deepEqual(req('GET', `/iceberg/dev@${H}/v1/config`), acts(['read', 'dev', H, ANY]));
    assert.deepEqual(req('GET', '/iceberg/dev*2026-01-01T00:00:00Z/v1/config'), acts(['read', 'dev', undefined, ANY]));
    assert.deepEqual(req('GET', `/iceberg/@${H}/v1/config`), acts(['read', null, undefined, ANY]));
    // Nessie's spelling of a bare commit is a detached read too (only for callers who read every reference).
    assert.deepEqual(req('GET', `/iceberg/DETACHED@${H}/v1/config`), acts(['read', null, undefined, ANY]));
    assert.deepEqual(req('GET', `/iceberg/${H}/v1/config`), acts(['read', null, undefined, ANY]));
    // A write names its branch as given, even one that looks like a hash (a release branch 20261205).
    assert.deepEqual(req('POST', '/iceberg/20261205/v1/namespaces'), acts(['commit', '20261205']));
    // A ref named v1 (`/iceberg/v1/v1/...`), as the router reads it.
    assert.deepEqual(req('POST', '/iceberg/v1/v1/namespaces'), acts(['commit', 'v1']));
    // A write to a point in history carries its commit as written (the read-only refusal names the spec as given).
    const UPPER = H.toUpperCase();
    assert.deepEqual(req('POST', `/iceberg/dev%40${UPPER}/v1/namespaces`), acts(['commit', 'dev', UPPER]));
    assert.deepEqual(req('POST', `/iceberg/dev@${H}/v1/namespaces/db/tables/t`), acts(['commit', 'dev', H, db]));
    assert.deepEqual(req('POST', '/iceberg/dev*2026-01-01T00:00:00Z/v1/namespaces'), acts(['commit', 'dev']));
    assert.deepEqual(req('POST', `/iceberg/@${H}/v1/namespaces`), acts(['commit', null]));
    assert.deepEqual(req('POST', '/iceberg/dev@nothex12/v1/namespaces'), acts(['commit', 'dev']));
  });

  it('matches paths the way express routes them: any case, one trailing slash', () => {
    assert.deepEqual(req('POST', '/ICEBERG/Dev/V1/namespaces'), acts(['commit', 'Dev']));
    assert.deepEqual(req('POST', '/API/V2/Trees/main@' + H + '/History/Commit'), acts(['commit', 'main', H]));
    assert.deepEqual(req('GET', '/api/v2/trees/dev/'), acts(['read', 'dev', undefined, ANY]));
  });

  it('public: health, metrics, the API description, the token endpoint, webhooks', () => {
    for (const [m, p] of [
      ['GET', '/healthz'],
      ['GET', '/metrics'],
      ['GET', '/api/v2/openapi.json'],
      ['POST', '/iceberg/v1/oauth/tokens'],
      ['POST', '/iceberg/feature%2Fx/v1/oauth/tokens'],
      ['POST', '/webhooks/github'],
    ]) {
      assert.deepEqual(req(m!, p!), { kind: 'public' }, p);
    }
    assert.notDeepEqual(req('GET', '/iceberg/v1/oauth/tokens'), { kind: 'public' });
    assert.notDeepEqual(req('POST', '/api/v2/openapi.json'), { kind: 'public' });
    // The web UI's shell and assets; never the APIs, in any case.
    for (const p of ['/', '/assets/index-1a2b.js', '/tables/main/db.t', '/branches']) {
      assert.deepEqual(req('GET', p), { kind: 'public' }, p);
    }
    assert.notDeepEqual(req('POST', '/'), { kind: 'public' });
    for (const p of ['/api/v2/config', '/API/v2/trees', '/iceberg/v1/config', '/Iceberg/dev/v1/namespaces', '/api']) {
      assert.notDeepEqual(req('GET', p), { kind: 'public' }, p);
    }
  });

  it('management API: both refs of a merge, diff and transplant; a new reference and its source', () => {
    assert.deepEqual(req('GET', '/api/v2/config'), { kind: 'authenticated' });
    assert.deepEqual(req('GET', '/api/v2/trees'), { kind: 'authenticated' });
    assert.deepEqual(
      req('POST', '/api/v2/trees', { type: 'TAG', name: 'etl', hash: H }, { name: 'v1', type: 'TAG' }),
      acts(['manage', 'v1'], ['read', 'etl', H]),
    );
    assert.deepEqual(req('POST', '/api/v2/trees', { hash: H }, { name: 'b' }), acts(['manage', 'b'], ['read', null]));
    assert.deepEqual(req('GET', `/api/v2/trees/-/history`), acts(['read', 'main']));
    assert.deepEqual(req('GET', `/api/v2/trees/feature/x@${H}/entries`), acts(['read', 'feature/x', H, ANY]));
    assert.deepEqual(
      req('GET', '/api/v2/trees/a/diff/b%2Fc'),
      acts(['read', 'a', undefined, ANY], ['read', 'b/c', undefined, ANY]),
    );
    assert.deepEqual(req('GET', '/api/v2/trees/a/contents/db.t'), acts(['read', 'a', undefined, { under: ['db'] }]));
    assert.deepEqual(req('POST', '/api/v2/trees/a/contents'), acts(['read', 'a', undefined, ANY]));
    // A write's path names the head it expects: `at` on the write (lower case; relative lookups start from it).
    assert.deepEqual(req('POST', `/api/v2/trees/main@${H}/history/commit`), acts(['commit', 'main', H]));
    assert.deepEqual(
      req('POST', `/api/v2/trees/a%2Fb@${H.toUpperCase()}~1/history/commit`),
      acts(['commit', 'a/b', H]),
    );
    assert.deepEqual(req('POST', '/api/v2/trees/main/history/commit'), acts(['commit', 'main']));
    assert.deepEqual(
      req('POST', `/api/v2/trees/main@${H}/history/merge`, { fromRefName: 'etl', fromHash: H }),
      byKey(['merge', 'main', H], ['read', 'etl', H]),
    );
    // A revert commits to the branch (not a merge: protected branches refuse it) and reads it at the reverted commit.
    assert.deepEqual(
      req('POST', `/api/v2/trees/main@${H}/history/revert`, { hash: `${H}~2` }),
      byKey(['commit', 'main', H], ['read', 'main', H]),
    );
    // A hash with relative lookups is pinned to the hash it starts from: that one must be on the source's history.
    assert.deepEqual(
      req('POST', `/api/v2/trees/main@${H}/history/merge`, { fromRefName: 'etl', fromHash: `${H}~1` }),
      byKey(['merge', 'main', H], ['read', 'etl', H]),
    );
    assert.deepEqual(
      req('POST', '/api/v2/trees', { type: 'BRANCH', name: 'etl', hash: `${H}~0` }, { name: 'x', type: 'BRANCH' }),
      acts(['manage', 'x'], ['read', 'etl', H]),
    );
    assert.deepEqual(
      req('POST', `/api/v2/trees/main@${H}/history/merge`, { fromRefName: 'DETACHED', fromHash: H }),
      byKey(['merge', 'main', H], ['read', null]),
    );
    assert.deepEqual(
      req('POST', `/api/v2/trees/main@${H}/history/transplant`, { fromRefName: 'etl' }),
      byKey(['merge', 'main', H], ['read', 'etl']),
    );
    assert.deepEqual(
      req('POST', `/api/v2/trees/main/history/transplant`, { fromRefName: 'etl', hashesToTransplant: [H, 'x'] }),
      byKey(['merge', 'main'], ['read', 'etl'], ['read', 'etl', H]),
    );
    assert.deepEqual(
      req('GET', `/api/v2/trees/a@${H}/diff/b%40${H}`),
      acts(['read', 'a', H, ANY], ['read', 'b', H, ANY]),
    );
    assert.deepEqual(
      req('PUT', `/api/v2/trees/t@${H}`, { name: 'etl', hash: H }),
      acts(['manage', 't', H], ['read', 'etl', H]),
    );
    assert.deepEqual(req('DELETE', `/api/v2/trees/t@${H}`), acts(['manage', 't', H]));
    assert.deepEqual(req('GET', '/api/v2/rat/reflog', {}, { ref: 'dev' }), acts(['read', 'dev']));
    assert.deepEqual(req('GET', '/api/v2/rat/reflog'), acts(['read', null]));
    assert.deepEqual(req('GET', '/api/v2/rat/whoami', {}, { ref: 'main' }), { kind: 'authenticated' });
    assert.deepEqual(
      req('GET', '/api/v2/rat/graph', {}, { ref: ['main', 'dev@abcdef12'] }),
      acts(['read', 'main'], ['read', 'dev', 'abcdef12']),
    );
    assert.deepEqual(
      req('GET', '/api/v2/rat/compare', {}, { from: 'dev', to: 'main' }),
      acts(['read', 'dev'], ['read', 'main']),
    );
    // One table's rows: its namespace on each reference; a key that does not parse stays reference-wide (400 later).
    const inA: Scope = { in: ['a'] };
    assert.deepEqual(
      req('GET', '/api/v2/rat/preview', {}, { ref: 'dev', key: 'a.b' }),
      acts(['read', 'dev', undefined, inA]),
    );
    assert.deepEqual(req('GET', '/api/v2/rat/preview', {}, { ref: 'dev', key: 'b' }), acts(['read', 'dev']));
    assert.deepEqual(req('GET', '/api/v2/rat/preview', {}, { ref: 'dev' }), acts(['read', 'dev']));
    assert.deepEqual(
      req('GET', '/api/v2/rat/row-diff', {}, { from: 'main', to: `dev@${H}`, key: 'x.y.t' }),
      acts(['read', 'main', undefined, { in: ['x', 'y'] }], ['read', 'dev', H, { in: ['x', 'y'] }]),
    );
    // The lineage: a listing its handler keeps to the readable namespaces.
    assert.deepEqual(req('GET', '/api/v2/rat/lineage', {}, { ref: 'dev' }), acts(['read', 'dev', undefined, ANY]));
    assert.deepEqual(req('POST', '/api/v2/rat/gc'), acts(['manage', null]));
    // Releases decide what GC may delete: listing and taking one back are an administrator's, like GC.
    assert.deepEqual(req('GET', '/api/v2/rat/released-tables'), acts(['manage', null]));
    assert.deepEqual(
      req('DELETE', '/api/v2/rat/released-tables', {}, { metadataLocation: 'x' }),
      acts(['manage', null]),
    );
    assert.deepEqual(
      req('PUT', '/api/v2/git/links/abc1234', { dataRef: 'dev' }),
      acts(['merge', 'dev'], ['read', 'dev']),
    );
    assert.deepEqual(req('GET', '/api/v2/git/pending-merges', {}, { target: 'main' }), acts(['read', 'main']));
    assert.deepEqual(
      req('DELETE', '/api/v2/git/pending-merges/abcd1234', {}, { target: 'main' }),
      acts(['merge', 'main']),
    );
  });

  it('closes anything it does not know under /api/v2 (admin on every ref)', () => {
    for (const [m, p] of [
      ['GET', '/api/v2/unknown'],
      ['PATCH', '/api/v2/trees/main'],
      ['GET', '/api/v2/trees/main/history/commit'],
      ['POST', '/api/v2/trees/main/elsewhere'],
    ]) {
      assert.deepEqual(req(m!, p!), acts(['manage', null]), `${m} ${p}`);
    }
  });
});
