import assert from 'node:assert/strict';
import {
  compactionGroups,
  DEFAULT_TARGET_FILE_SIZE,
  deletesApplying,
  targetFileSize,
  unusedDeletes,
} from './compaction.ts';
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

  describe('with delete files', () => {
    const PATH_ID = 2147483546;
    const at = (f: LiveFile, seq: bigint) => ({ ...f, dataSequenceNumber: seq });
    const big = (p: string, partition = {}) => at(file(p, 5000, partition), 1n);
    /** A position delete file naming one data file (v2: equal `file_path` bounds), `rows` positions. */
    const positional = (p: string, target: string, rows: number, seq = 2n, partition = {}): LiveFile => {
      const bound = new Map([[PATH_ID, Buffer.from(target)]]);
      const f = file(p, 10, partition);
      return at(
        {
          ...f,
          file: { ...f.file, content: 1, recordCount: BigInt(rows), lowerBounds: bound, upperBounds: bound },
        } as LiveFile,
        seq,
      );
    };
    const equality = (p: string, seq: bigint, partition = {}): LiveFile => {
      const f = file(p, 10, partition);
      return at({ ...f, file: { ...f.file, content: 2, equalityIds: [1], recordCount: 1n } } as LiveFile, seq);
    };
    const specs = [
      { 'spec-id': 0, fields: [] },
      { 'spec-id': 1, fields: [{ 'source-id': 1, 'field-id': 1000, name: 'day', transform: 'day' }] },
    ];

    it('rewrites a large file alone once its own deletes remove the delete ratio of its rows', () => {
      const data = [big('a'), big('b')];
      const three = deletesApplying(data, [positional('d1', 'a', 3)], specs);
      assert.deepEqual(
        compactionGroups(data, policy, three).map((g) => g.files.map((f) => f.file.filePath)),
        [['a']],
      );
      const two = deletesApplying(data, [positional('d1', 'a', 2)], specs);
      assert.deepEqual(compactionGroups(data, policy, two), []);
      assert.equal(compactionGroups(data, { ...policy, deleteRatio: 0.2 }, two).length, 1);
    });

    it('counts delete files against --delete-file-threshold, equality deletes only for older files of their scope', () => {
      const day1 = { day: 1 };
      const data = [
        at(file('a', 5000, day1, 1), 1n),
        at(file('b', 5000, day1, 1), 3n),
        at(file('c', 5000, { day: 2 }, 1), 1n),
      ];
      const eq = { ...equality('e', 2n, day1), specId: 1 };
      const applying = deletesApplying(data, [eq], specs);
      assert.deepEqual([...applying.keys()], ['a']);
      assert.deepEqual(compactionGroups(data, policy, applying), [], 'no ratio is known for equality deletes');
      assert.deepEqual(
        compactionGroups(data, { ...policy, deleteFileThreshold: 1 }, applying).map((g) =>
          g.files.map((f) => f.file.filePath),
        ),
        [['a']],
      );
      // A global (unpartitioned) equality delete applies to every older file.
      assert.deepEqual([...deletesApplying(data, [equality('g', 2n)], specs).keys()], ['a', 'c']);
    });

    it('removes the delete files that apply to no data file the rewrite keeps', () => {
      const data = [big('a'), big('b')];
      const onA = positional('da', 'a', 3);
      const onB = positional('db', 'b', 1);
      const global = equality('g', 2n);
      const keptB = unusedDeletes([data[1]!], [onA, onB, global], specs).map((f) => f.file.filePath);
      assert.deepEqual(keptB, ['da']);
      assert.deepEqual(
        unusedDeletes([], [onA, onB, global], specs).map((f) => f.file.filePath),
        ['da', 'db', 'g'],
      );
      // An equality delete older than every kept file applies to none of them.
      assert.deepEqual(
        unusedDeletes([at(big('n'), 5n)], [global], specs).map((f) => f.file.filePath),
        ['g'],
      );
    });
  });
});
