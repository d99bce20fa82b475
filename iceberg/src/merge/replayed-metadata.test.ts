import assert from 'node:assert/strict';
import { withReplayedSnapshots } from './replayed-metadata.ts';
import { table, withSnapshot } from './test-tables.ts';

describe('metadata after a merge replays snapshots', () => {
  it('stamps last-updated-ms and the snapshot log with the catalog clock, never behind what the target records', () => {
    const base = withSnapshot({ ...table(), 'last-updated-ms': 9_000 }, 1n);
    const s = { ...base.snapshots[0], 'snapshot-id': 2n };
    const behind = withReplayedSnapshots(base, [{ source: s, snapshotId: 2n, manifestList: 'l' }], 5_000);
    assert.equal(behind['last-updated-ms'], 9_000, 'a clock that went back does not take the table back');
    assert.equal(behind['snapshot-log'].at(-1)?.['timestamp-ms'], 9_000);
    const ahead = withReplayedSnapshots(base, [{ source: s, snapshotId: 2n, manifestList: 'l' }], 20_000);
    assert.equal(ahead['last-updated-ms'], 20_000);
    assert.equal(withReplayedSnapshots(base, [], 5_000)['last-updated-ms'], 9_000);
  });
});
