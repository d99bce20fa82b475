import assert from 'node:assert/strict';
import { LIMITS } from '../limits.ts';
import { commitTarget } from './hot-commits.ts';

describe('table commits ahead of express: which requests it takes', () => {
  const json = { 'content-type': 'application/json', 'content-length': '120' };
  const target = (url: string, headers: Record<string, string> = json, method = 'POST') =>
    commitTarget(method, url, headers, 'main');

  it('takes a commit on the default branch or a named ref, with its table and declared length', () => {
    assert.deepEqual(target('/iceberg/v1/namespaces/db/tables/t'), {
      path: '/iceberg/v1/namespaces/db/tables/t',
      table: { ref: 'main', namespace: ['db'], table: 't' },
      length: 120,
    });
    const t = target('/iceberg/team%2Fx/v1/namespaces/a%1Fb/tables/t%C3%A4')!.table;
    assert.deepEqual(t, { ref: 'team/x', namespace: ['a', 'b'], table: 'tä' });
  });

  it('takes a commit with an Idempotency-Key (the same records are kept ahead of express)', () => {
    const keyed = { ...json, 'idempotency-key': '01890a5d-ac96-774b-bcce-b302099a8057' };
    assert.equal(target('/iceberg/v1/namespaces/db/tables/t', keyed)?.length, 120);
  });

  it('takes JSON in UTF-8 and a body without a content type, as express reads them', () => {
    for (const type of [
      'application/json',
      'Application/JSON',
      'application/json; charset=utf-8',
      'application/json;charset="UTF-8"',
    ]) {
      assert.ok(target('/iceberg/v1/namespaces/db/tables/t', { 'content-type': type, 'content-length': '2' }), type);
    }
    assert.ok(target('/iceberg/v1/namespaces/db/tables/t', { 'content-length': '2' }));
  });

  it('leaves to express every other method, path, query and body shape', () => {
    const url = '/iceberg/v1/namespaces/db/tables/t';
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE']) assert.equal(target(url, json, method), undefined, method);
    for (const u of [
      '/iceberg/v1/wh/namespaces/db/tables/t', // a prefix segment: a named warehouse's routes
      '/iceberg/v1/namespaces/db/tables/t/metrics',
      '/iceberg/v1/namespaces/db/tables',
      '/iceberg/v1/namespaces/db/tables/t?x=1',
      '/iceberg/V1/namespaces/db/tables/t',
      '/iceberg/v1/namespaces/db/tables/%E0%A4%A',
      '/iceberg/v1/namespaces/a%1F%1Fb/tables/t',
    ]) {
      assert.equal(target(u), undefined, u);
    }
    const handedOver: Array<Record<string, string>> = [
      { ...json, 'content-type': 'text/plain' }, // 415
      { ...json, 'content-type': 'application/json; charset=latin1' }, // 415
      { ...json, 'content-type': 'application/vnd.api+json' },
      { ...json, 'content-encoding': 'gzip' }, // express inflates it
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, // no declared length
      { ...json, 'content-length': '0' }, // no body: requireBody's message
      { ...json, 'content-length': String(LIMITS.requestBodyBytes + 1) }, // 413
    ];
    for (const headers of handedOver) {
      assert.equal(target(url, headers), undefined, JSON.stringify(headers));
    }
  });
});
