import assert from 'node:assert/strict';
import { inheritEntry, liveEntries } from './live-entries.ts';
import { EntryStatus, FileContent, type ManifestEntry } from './manifest.ts';

const dataFile = {
  content: FileContent.DATA,
  filePath: 'a.parquet',
  fileFormat: 'PARQUET',
  partition: {},
  recordCount: 1,
  fileSizeInBytes: 1,
};

describe('inheritEntry', () => {
  const m = { sequenceNumber: 7, addedSnapshotId: 3051729675574597004n };
  const e = (status: EntryStatus, seq: bigint | null, snap: bigint | null = null): ManifestEntry => ({
    status,
    snapshotId: snap,
    sequenceNumber: seq,
    fileSequenceNumber: seq,
    dataFile,
  });

  it('fills an ADDED entry from the manifest list entry', () => {
    const got = inheritEntry(e(EntryStatus.ADDED, null), m);
    assert.equal(got.snapshotId, 3051729675574597004n);
    assert.equal(got.dataSequenceNumber, 7n);
    assert.equal(got.fileSequenceNumber, 7n);
  });

  it('keeps the numbers an entry carries', () => {
    const got = inheritEntry(e(EntryStatus.EXISTING, 2n, 5n), m);
    assert.equal(got.snapshotId, 5n);
    assert.equal(got.dataSequenceNumber, 2n);
    assert.equal(inheritEntry(e(EntryStatus.ADDED, 4n), m).dataSequenceNumber, 4n);
    assert.equal(inheritEntry(e(EntryStatus.EXISTING, null), m).dataSequenceNumber, 0n);
  });

  it('lists live entries only', () => {
    const live = liveEntries([e(EntryStatus.ADDED, null), e(EntryStatus.DELETED, 1n), e(EntryStatus.EXISTING, 1n)], m);
    assert.deepEqual(
      live.map((x) => [x.status, x.dataSequenceNumber]),
      [
        [EntryStatus.ADDED, 7n],
        [EntryStatus.EXISTING, 1n],
      ],
    );
  });
});
