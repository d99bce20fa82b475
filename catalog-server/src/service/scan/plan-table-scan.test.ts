import assert from 'node:assert/strict';
import { enoughFor, entryRanges, type ScanUnit } from './plan-table-scan.ts';

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

describe('a pushed-down LIMIT (min-rows-requested)', () => {
  const unit = (rows: number, existing = 0, addedOnly = false) =>
    ({
      manifest: { addedRowsCount: rows, existingRowsCount: existing },
      addedOnly,
      snapshot: {},
    }) as unknown as ScanUnit;
  const plain = (units: ScanUnit[]) => ({ scan: { filter: undefined }, units, deleteManifests: [] });

  it('keeps the first manifests whose rows reach it', () => {
    const units = [unit(5), unit(5, 5), unit(100)];
    assert.equal(enoughFor(5n, plain(units)).length, 1);
    assert.equal(enoughFor(6n, plain(units)).length, 2);
    assert.equal(enoughFor(15n, plain(units)).length, 2);
    assert.equal(enoughFor(16n, plain(units)).length, 3);
    assert.equal(enoughFor(1_000n, plain(units)).length, 3);
    assert.equal(enoughFor(undefined, plain(units)).length, 3);
  });

  it('counts only added rows for an incremental scan', () => {
    assert.equal(enoughFor(6n, plain([unit(5, 100, true), unit(5, 0, true)])).length, 2);
  });

  it('keeps every manifest when a filter or delete files make the counts say nothing about the rows', () => {
    const units = [unit(100), unit(100)];
    assert.equal(enoughFor(1n, { ...plain(units), scan: { filter: { type: 'true' } } }).length, 2);
    assert.equal(enoughFor(1n, { ...plain(units), deleteManifests: [{}] }).length, 2);
  });
});
