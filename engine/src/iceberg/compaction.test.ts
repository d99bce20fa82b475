import assert from 'node:assert/strict';
import { compactionGroups, DEFAULT_TARGET_FILE_SIZE, targetFileSize } from './compaction.ts';
import type { LiveFile } from './manifests.ts';

const file = (path: string, bytes: number, partition: Record<string, unknown> = {}, specId = 0): LiveFile =>
  ({
    file: { content: 0, filePath: path, fileFormat: 'PARQUET', partition, recordCount: 10n, fileSizeInBytes: bytes },
    dataSequenceNumber: 1n,
    snapshotId: 1n,
    specId,
    manifestPath: 'm.avro',
  }) as unknown as LiveFile;

describe('engine: which data files a compaction rewrites', () => {
  const policy = { targetFileSizeBytes: 1000, minInputFiles: 3 };

  it('groups files under three quarters of the target by partition, keeping groups of at least min-input-files', () => {
    const day1 = { day: 19000 };
    const day2 = { day: 19001 };
    const files = [
      file('a', 100, day1),
      file('b', 200, day1),
      file('c', 749, day1),
      file('big', 750, day1), // not small: three quarters of the target
      file('d', 100, day2),
      file('e', 100, day2), // day2 has only two small files
      file('f', 100, day1, 1), // the same values under another spec are another partition
    ];
    const groups = compactionGroups(files, policy);
    assert.equal(groups.length, 1);
    assert.deepEqual(
      groups[0]!.files.map((f) => f.file.filePath),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      { ...groups[0], files: undefined },
      { specId: 0, partition: day1, files: undefined, bytes: 1049, rows: 30 },
    );
    assert.equal(compactionGroups(files, { ...policy, minInputFiles: 2 }).length, 2);
  });

  it('never rewrites a lone file, whatever min-input-files says; partition values of any type group', () => {
    assert.deepEqual(compactionGroups([file('a', 1)], { ...policy, minInputFiles: 1 }), []);
    const binary = { b: new Uint8Array([1, 2]), n: 5n, s: null };
    assert.equal(
      compactionGroups([file('a', 1, binary), file('b', 1, { ...binary })], { ...policy, minInputFiles: 2 }).length,
      1,
    );
  });

  it("takes the table's target size when it sets one", () => {
    assert.equal(targetFileSize({ 'write.target-file-size-bytes': '134217728' }), 134217728);
    assert.equal(targetFileSize({ 'write.target-file-size-bytes': 'big' }), DEFAULT_TARGET_FILE_SIZE);
    assert.equal(targetFileSize(undefined), DEFAULT_TARGET_FILE_SIZE);
  });
});
