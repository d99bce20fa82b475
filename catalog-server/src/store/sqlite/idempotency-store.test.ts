import assert from 'node:assert/strict';
import { IdempotencyStore } from './idempotency-store.ts';
import { SqliteVersionStore } from './sqlite-store.ts';

describe('IdempotencyStore (SQLite, migration 102)', () => {
  let store: SqliteVersionStore;
  let keys: IdempotencyStore;
  const HOUR = 60 * 60 * 1000;
  beforeEach(async () => {
    store = await SqliteVersionStore.open(':memory:');
    keys = new IdempotencyStore(store.db, HOUR);
  });
  afterEach(() => store.close());

  const outcome = (key: string, createdMs: number, status = 200) => ({
    key,
    fingerprint: 'POST /iceberg/v1/namespaces abc',
    status,
    headers: { 'content-type': 'application/json', etag: '"e"' },
    body: Buffer.from('{"namespace":["a"]}'),
    createdMs,
  });

  it('keeps the first outcome of a key, byte for byte', () => {
    const now = Date.now();
    assert.equal(keys.get('k', now), undefined);
    keys.put(outcome('k', now));
    keys.put(outcome('k', now + 1, 409));
    const got = keys.get('k', now + 2);
    assert.equal(got?.status, 200, 'a later outcome does not replace the first');
    assert.deepEqual(got?.headers, { 'content-type': 'application/json', etag: '"e"' });
    assert.equal(got?.body.toString(), '{"namespace":["a"]}');
  });

  it('forgets outcomes older than the retention, on read and as new ones arrive', () => {
    const t0 = Date.now();
    keys.put(outcome('old', t0));
    assert.equal(keys.get('old', t0 + 2 * HOUR), undefined);
    keys.put(outcome('new', t0 + 2 * HOUR));
    const rows = store.db.prepare('SELECT idempotency_key FROM idempotency_keys').all() as Array<{
      idempotency_key: string;
    }>;
    assert.deepEqual(
      rows.map((r) => r.idempotency_key),
      ['new'],
    );
  });
});
