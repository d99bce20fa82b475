import assert from 'node:assert/strict';
import { currentSnapshotId } from './table-metadata.ts';

describe('currentSnapshotId', () => {
  it('is the id as exact text, and undefined for a table without a snapshot (absent, null or -1)', () => {
    assert.equal(currentSnapshotId({ 'current-snapshot-id': '9007199254740993' }), '9007199254740993');
    assert.equal(currentSnapshotId({ 'current-snapshot-id': 42 }), '42');
    assert.equal(currentSnapshotId({ 'current-snapshot-id': -1 }), undefined);
    assert.equal(currentSnapshotId({ 'current-snapshot-id': '-1' }), undefined);
    assert.equal(currentSnapshotId({ 'current-snapshot-id': null }), undefined);
    assert.equal(currentSnapshotId({}), undefined);
  });
});
