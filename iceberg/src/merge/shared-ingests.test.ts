import assert from 'node:assert/strict';
import { DERIVED_FROM_PROPERTY, INGEST_FILES_PROPERTY, ingestedFiles, namedFiles } from './shared-ingests.ts';
import { planTableMerge } from './table-merge.ts';
import { table, withSnapshot } from './test-tables.ts';

const ids = (snaps: Array<{ 'snapshot-id': bigint }>) => snaps.map((s) => s['snapshot-id']);
const files = (...f: string[]) => ({ [INGEST_FILES_PROPERTY]: JSON.stringify(f) });
const derived = (...f: string[]) => ({ [DERIVED_FROM_PROPERTY]: JSON.stringify(f) });
const A = 'bronze.orders aaaa landing/orders/a.csv';
const B = 'bronze.orders bbbb landing/orders/b.csv';
const C = 'bronze.orders cccc landing/orders/c.csv';

describe('merge of ingests of the same landing file on both sides', () => {
  const base = withSnapshot(table(), 1n);

  it('does not replay an append of files the target ingested too since the base, and replays any other', () => {
    const otherHash = 'bronze.orders ffff landing/orders/a.csv';
    const otherTable = 'bronze.returns aaaa landing/orders/a.csv';
    let source = withSnapshot(base, 2n, files(A));
    source = withSnapshot(source, 3n, files(B));
    source = withSnapshot(source, 4n, files(otherHash));
    source = withSnapshot(source, 5n, files(otherTable));
    // A re-ingest of a changed file overwrites: judged by the replay's own checks, not here.
    source = withSnapshot(source, 6n, { ...files(A), operation: 'overwrite' });
    const target = withSnapshot(base, 9n, files(A, C));
    const plan = planTableMerge(base, source, target);
    assert.deepEqual(plan.conflicts, []);
    assert.deepEqual(ids(plan.snapshots), [3n, 4n, 5n, 6n]);
    // The base's own ingest of the file is no reason to skip: only what the target ingested since.
    const base2 = withSnapshot(base, 10n, files(A));
    const plan2 = planTableMerge(base2, withSnapshot(base2, 11n, files(A)), withSnapshot(base2, 12n));
    assert.deepEqual(ids(plan2.snapshots), [11n]);
  });

  it('conflicts, naming the files, on an append holding shared and new files', () => {
    const source = withSnapshot(base, 2n, files(A, B));
    const target = withSnapshot(base, 3n, files(A));
    const plan = planTableMerge(base, source, target);
    assert.equal(plan.conflicts.length, 1);
    assert.equal(plan.conflicts[0].kind, 'shared-ingest');
    assert.match(
      plan.conflicts[0].message,
      /snapshot 2 ingested landing files the target also ingested .*\(landing\/orders\/a\.csv\) together with others \(landing\/orders\/b\.csv\)/,
    );
  });

  it('tells a conflict that only a re-ingest settles from others by its kind, next to the other reasons', () => {
    const source = { ...withSnapshot(base, 2n, files(A, B)), 'format-version': 3 as const };
    const target = withSnapshot(base, 3n, files(A));
    const kinds = planTableMerge(base, source, target).conflicts.map((c) => c.kind);
    assert.deepEqual(kinds, ['format-version-upgraded', 'shared-ingest']);
  });

  it('reads a malformed property as no files', () => {
    assert.deepEqual(ingestedFiles({ summary: { operation: 'append', [INGEST_FILES_PROPERTY]: '{' } }), []);
    assert.deepEqual(ingestedFiles({ summary: { operation: 'append', [INGEST_FILES_PROPERTY]: '[1]' } }), []);
    assert.deepEqual(ingestedFiles({ summary: { operation: 'append' } }), []);
  });
  describe("a model's append derived from landing files (rat.derived-from)", () => {
    it('is not replayed when the target appended what its model derived from the same files since the base', () => {
      let source = withSnapshot(base, 2n, derived(A));
      source = withSnapshot(source, 3n, derived(B));
      // Derived from no new landing file (a code change, say), or unknown: replayed as any append.
      source = withSnapshot(source, 4n, derived());
      source = withSnapshot(source, 5n);
      const target = withSnapshot(withSnapshot(base, 8n, derived(C)), 9n, derived(A));
      const plan = planTableMerge(base, source, target);
      assert.deepEqual(plan.conflicts, []);
      assert.deepEqual(ids(plan.snapshots), [3n, 4n, 5n]);
    });

    it('conflicts, as one a rebuild settles and not a re-ingest, on an append of shared and other files', () => {
      const source = withSnapshot(base, 2n, derived(A, B));
      const target = withSnapshot(base, 3n, derived(A));
      const why = planTableMerge(base, source, target).conflicts;
      assert.equal(why.length, 1);
      assert.equal(why[0].kind, 'shared-derived');
      assert.match(why[0].message, /\(landing\/orders\/a\.csv\) together with others \(landing\/orders\/b\.csv\)/);
    });

    it("leaves an upsert that declares its unique key to the replay's key check", () => {
      const key = { 'rat.unique-key': '["id"]' };
      const source = withSnapshot(base, 2n, { ...derived(A), ...key });
      const target = withSnapshot(base, 3n, { ...derived(A), ...key });
      const plan = planTableMerge(base, source, target);
      assert.deepEqual(plan.conflicts, []);
      assert.deepEqual(ids(plan.snapshots), [2n]);
    });

    it('reads which files a snapshot holds, an ingest or a derived append, unknown when it names none', () => {
      assert.deepEqual(namedFiles({ summary: { operation: 'append', ...files(A) } }), [A]);
      assert.deepEqual(namedFiles({ summary: { operation: 'append', ...derived(B) } }), [B]);
      assert.deepEqual(namedFiles({ summary: { operation: 'append', ...derived() } }), []);
      assert.equal(namedFiles({ summary: { operation: 'append' } }), undefined);
      assert.equal(namedFiles({ summary: { operation: 'append', [DERIVED_FROM_PROPERTY]: '{}' } }), undefined);
    });
  });
});
