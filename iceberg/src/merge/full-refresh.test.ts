import assert from 'node:assert/strict';
import { FULL_REFRESH_PROPERTY, fullRefreshConflicts, refreshedBeyond } from './full-refresh.ts';
import { planTableMerge } from './table-merge.ts';
import { table, withSnapshot } from './test-tables.ts';

const refresh = { operation: 'overwrite', [FULL_REFRESH_PROPERTY]: 'true' };

describe('a full refresh beyond the shared history', () => {
  const base = withSnapshot(table(), 1n);

  it('is found among the snapshots one side gained, not among those both have', () => {
    const feature = withSnapshot(withSnapshot(base, 10n, refresh), 11n);
    const main = withSnapshot(base, 2n);
    assert.equal(refreshedBeyond(feature, main), true);
    assert.equal(refreshedBeyond(main, feature), false, "main's own append is no refresh");
    // Once main has the refresh (merged), the feature's later appends carry none of their own.
    const merged = withSnapshot(withSnapshot(main, 10n, refresh), 11n);
    assert.equal(refreshedBeyond(feature, merged), false);
    assert.equal(refreshedBeyond(withSnapshot(feature, 12n), merged), false);
  });

  it("is found below the other side's snapshots replayed on top (the feature updated from main)", () => {
    const mainThen = withSnapshot(base, 2n);
    const feature = withSnapshot(withSnapshot(base, 10n, refresh), 2n);
    assert.equal(refreshedBeyond(feature, withSnapshot(mainThen, 3n)), true);
  });

  it("ignores history older than where the other side's known lineage ends, and stops at an expired snapshot", () => {
    // A refresh before the shared snapshot 2: main expired 1, so its lineage ends at 2's parent; both share it.
    const old = withSnapshot(withSnapshot(table(), 1n, refresh), 2n);
    const main = { ...withSnapshot(old, 3n), snapshots: withSnapshot(old, 3n).snapshots.slice(1) };
    assert.equal(refreshedBeyond(withSnapshot(old, 10n), main), false);
    // The feature expired its own refresh: nothing below can be read, so nothing is claimed.
    const feature = withSnapshot(withSnapshot(base, 10n, refresh), 11n);
    const expired = { ...feature, snapshots: feature.snapshots.filter((s) => s['snapshot-id'] !== 10n) };
    assert.equal(refreshedBeyond(expired, withSnapshot(base, 2n)), false);
  });

  it('reads "true" only, and a table without snapshots has none', () => {
    const other = withSnapshot(base, 2n);
    assert.equal(refreshedBeyond(withSnapshot(base, 10n, { [FULL_REFRESH_PROPERTY]: 'false' }), other), false);
    assert.equal(refreshedBeyond(table(), other), false);
    assert.equal(refreshedBeyond(withSnapshot(table(), 5n, refresh), table()), true);
  });
});

describe('merging a table one side refreshed in full', () => {
  const base = withSnapshot(table(), 1n);
  const since = (md: ReturnType<typeof table>) => md.snapshots.slice(1);

  it("conflicts with the other side's row changes either way, so that the model is rebuilt", () => {
    const refreshed = withSnapshot(base, 10n, refresh);
    const appended = withSnapshot(base, 2n);
    const plan = planTableMerge(base, refreshed, appended);
    assert.deepEqual(
      plan.conflicts.map((c) => c.kind),
      ['full-refresh-over-changes'],
    );
    assert.match(plan.conflicts[0].message, /source refreshed the table in full \(snapshot 10\).*1 snapshot\)/);
    const back = planTableMerge(base, appended, refreshed);
    assert.match(back.conflicts[0].message, /target refreshed the table in full \(snapshot 10\)/);
  });

  it('replays when the other side did not change rows: untouched, or only compacted', () => {
    const refreshed = withSnapshot(base, 10n, refresh);
    assert.deepEqual(planTableMerge(base, refreshed, base).conflicts, []);
    const compacted = withSnapshot(base, 2n, { operation: 'replace', 'added-records': '0' });
    assert.deepEqual(fullRefreshConflicts(since(refreshed), since(compacted)), []);
    assert.deepEqual(fullRefreshConflicts(since(compacted), since(refreshed)), []);
    // Appends on both sides without a refresh are the usual replay.
    assert.deepEqual(fullRefreshConflicts(since(withSnapshot(base, 2n)), since(withSnapshot(base, 3n))), []);
  });
});
