import assert from 'node:assert/strict';
import { PendingMergeStore } from './pending-merge-store.ts';
import { SqliteVersionStore } from './sqlite-store.ts';

describe('PendingMergeStore (SQLite, migration 103)', () => {
  let store: SqliteVersionStore;
  let pending: PendingMergeStore;
  beforeEach(async () => {
    store = await SqliteVersionStore.open(':memory:');
    pending = new PendingMergeStore(store.db);
  });
  afterEach(() => store.close());

  const rec = (id: string, targetRef: string, state: 'rebuild' | 'conflict' = 'rebuild') => ({
    id,
    sourceRef: 'feat',
    targetRef,
    sourceHash: 'abcd1234',
    sourceBranch: 'feat',
    targetBranch: targetRef,
    forge: 'github',
    state,
    tables: ['gold.daily_revenue'],
    blocking: state === 'conflict' ? ['gold.daily_revenue'] : [],
  });

  it('records, lists by target (oldest first), replaces by id and deletes', () => {
    pending.put({ ...rec('a', 'main'), recordedAt: '2026-01-01T00:00:00Z', mergeSha: 'f'.repeat(40), request: 7 });
    pending.put({ ...rec('b', 'main', 'conflict'), recordedAt: '2026-01-02T00:00:00Z' });
    pending.put(rec('c', 'dev'));
    assert.deepEqual(
      pending.list('main').map((p) => p.id),
      ['a', 'b'],
    );
    assert.equal(pending.list().length, 3);
    const a = pending.get('a')!;
    assert.equal(a.mergeSha, 'f'.repeat(40));
    assert.equal(a.request, 7);
    assert.deepEqual(a.tables, ['gold.daily_revenue']);
    assert.equal(pending.get('b')?.mergedHash, undefined);
    pending.put({ ...rec('a', 'main', 'conflict'), mergedHash: 'beef0001' });
    assert.equal(pending.get('a')?.state, 'conflict');
    assert.equal(pending.delete('a', 'dev'), false, 'only from its own target');
    assert.equal(pending.delete('a', 'main'), true);
    assert.equal(pending.delete('a', 'main'), false);
    assert.deepEqual(
      pending.list('main').map((p) => p.id),
      ['b'],
    );
  });
});
