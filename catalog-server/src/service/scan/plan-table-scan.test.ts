import assert from 'node:assert/strict';
import { entryRanges } from './plan-table-scan.ts';

describe('plan tasks of a large manifest', () => {
  const counts = (added: number, existing = 0, deleted = 0) => ({
    addedFilesCount: added,
    existingFilesCount: existing,
    deletedFilesCount: deleted,
  });

  it('one task without a range for a manifest of up to the size', () => {
    assert.deepEqual(entryRanges(counts(10_000), 10_000), [undefined]);
    assert.deepEqual(entryRanges(counts(0), 10_000), [undefined]);
  });

  it('ranges over every entry, deleted ones too, the last one open to the end of the file', () => {
    const end = Number.MAX_SAFE_INTEGER;
    assert.deepEqual(entryRanges(counts(9_000, 1_000, 1), 10_000), [
      [0, 10_000],
      [10_000, end],
    ]);
    assert.deepEqual(entryRanges(counts(25_000), 10_000), [
      [0, 10_000],
      [10_000, 20_000],
      [20_000, end],
    ]);
  });
});
