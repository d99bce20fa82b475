import assert from 'node:assert/strict';
import { decodePlanTask, encodePlanTask, type PlanTask } from './plan-task-token.ts';

describe('plan task tokens', () => {
  const task: PlanTask = {
    metadataLocation: 'file:///w/shop/orders/metadata/00003-x.metadata.json',
    snapshotId: '9223372036854775807',
    manifestPath: 'file:///w/shop/orders/metadata/m1.avro',
    entries: [10_000, 20_000],
    addedOnly: false,
    filter: { type: 'eq', term: 'id', value: 9007199254740993n },
    caseSensitive: true,
    schemaId: 3,
    statsFields: ['id'],
  };

  it('round-trips every field, a filter literal beyond 2^53 exactly', () => {
    assert.deepEqual(decodePlanTask(encodePlanTask(task)), task);
  });

  it('leaves out what the request left out', () => {
    const bare = { ...task, filter: undefined, statsFields: undefined, entries: undefined };
    assert.deepEqual(decodePlanTask(encodePlanTask(bare)), bare);
  });

  it('refuses strings it did not make', () => {
    for (const s of ['', 'x', Buffer.from('{"v":2}').toString('base64url'), Buffer.from('[]').toString('base64url')])
      assert.equal(decodePlanTask(s), undefined, s);
  });
});
