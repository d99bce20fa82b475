import assert from 'node:assert/strict';
import type { DataFile, ManifestFile } from '@ratatouille/iceberg';
import { RemovedFiles, snapshotTotals } from './snapshot-summary.ts';

const dataFile = (content: number, rows: number, bytes = 100) =>
  ({ content, recordCount: BigInt(rows), fileSizeInBytes: BigInt(bytes) }) as unknown as DataFile;
const manifest = (content: number, files: number, rows: number) =>
  ({
    content,
    addedFilesCount: files,
    existingFilesCount: 0,
    addedRowsCount: rows,
    existingRowsCount: 0,
  }) as unknown as ManifestFile;

describe("engine: a snapshot summary's counts", () => {
  it('counts removed data and delete files apart, and takes the deletes left from the parent', () => {
    const removed = new RemovedFiles();
    for (const f of [dataFile(0, 10), dataFile(0, 5), dataFile(1, 3), dataFile(2, 2)]) removed.file(f);
    const out = snapshotTotals([dataFile(0, 10, 400)], removed, [manifest(0, 1, 10), manifest(1, 1, 4)], {
      'total-position-deletes': '7',
      'total-equality-deletes': '2',
    });
    assert.deepEqual(out, {
      'added-data-files': '1',
      'added-records': '10',
      'added-files-size': '400',
      'deleted-data-files': '2',
      'deleted-records': '15',
      'removed-delete-files': '2',
      'removed-position-delete-files': '1',
      'removed-equality-delete-files': '1',
      'removed-position-deletes': '3',
      'removed-equality-deletes': '2',
      'total-data-files': '1',
      'total-records': '10',
      'total-delete-files': '1',
      'total-position-deletes': '4',
      'total-equality-deletes': '0',
    });
  });

  it('says no deletes are left once no delete file is, and omits the totals a parent does not give', () => {
    const none = snapshotTotals([], new RemovedFiles(), [manifest(0, 2, 20)], undefined);
    assert.equal(none['total-position-deletes'], '0');
    assert.equal(none['removed-delete-files'], undefined);
    const unknown = snapshotTotals([], new RemovedFiles(), [manifest(0, 2, 20), manifest(1, 1, 3)], {});
    assert.equal(unknown['total-delete-files'], '1');
    assert.equal(unknown['total-position-deletes'], undefined);
  });
});
