import assert from 'node:assert/strict';
import { historyBeyond, historyProblem, historySince, lostByReplacing, snapshotsSince } from './lineage.ts';
import { mergeByKey, mergeTableFields } from './table-fields.ts';
import { planTableMerge, replayIds } from './table-merge.ts';
import { table, withColumn, withSnapshot } from './test-tables.ts';

const ids = (snaps: Array<{ 'snapshot-id': bigint }> | undefined) => snaps?.map((s) => s['snapshot-id']);

describe('table merge planning', () => {
  const base = withSnapshot(table(), 1n);

  it('lists the snapshots a branch gained since the base, oldest first, or undefined if the base is gone', () => {
    const source = withSnapshot(withSnapshot(base, 2n), 3n);
    assert.deepEqual(ids(snapshotsSince(source, 1n)), [2n, 3n]);
    assert.deepEqual(ids(snapshotsSince(source, null)), [1n, 2n, 3n]);
    assert.deepEqual(ids(snapshotsSince(base, 1n)), []);
    assert.equal(snapshotsSince(source, 99n), undefined);
    const expired = { ...source, snapshots: source.snapshots.filter((s) => s['snapshot-id'] !== 2n) };
    assert.equal(snapshotsSince(expired, 1n), undefined);
  });

  it('plans the replay of both branches appending to the same table', () => {
    const source = withSnapshot(base, 2n);
    const target = withSnapshot(base, 3n);
    const plan = planTableMerge(base, source, target);
    assert.deepEqual(plan.conflicts, []);
    assert.deepEqual(ids(plan.snapshots), [2n]);
    assert.equal(plan.metadata['current-snapshot-id'], 3n);
  });

  it('carries a schema change made on one side only; identical changes agree, different ones conflict', () => {
    const source = withSnapshot(withColumn(base, 'note'), 2n);
    const target = withSnapshot(base, 3n);
    const plan = planTableMerge(base, source, target);
    assert.deepEqual(plan.conflicts, []);
    assert.deepEqual(plan.carried, ['schema']);
    assert.equal(plan.metadata['current-schema-id'], 1);
    assert.equal(plan.metadata['last-column-id'], 3);
    assert.equal(plan.metadata.schemas.length, 2);
    // The other direction keeps the target's new schema.
    assert.equal(planTableMerge(base, target, source).metadata['current-schema-id'], 1);
    assert.deepEqual(planTableMerge(base, withColumn(base, 'note'), withColumn(base, 'note')).conflicts, []);
    assert.deepEqual(planTableMerge(base, withColumn(base, 'note'), withColumn(base, 'other')).conflicts, [
      { kind: 'metadata-changed-on-both-sides', message: 'schema changed differently on both sides' },
    ]);
  });

  it('merges properties and table refs key by key', () => {
    const source = {
      ...base,
      properties: { owner: 'a', 'write.format.default': 'parquet' },
      refs: { ...base.refs, audit: { type: 'tag' as const, 'snapshot-id': 1n } },
    };
    const target = { ...base, properties: { owner: 'b' } };
    const m = mergeTableFields(base, source, target);
    assert.deepEqual(m.conflicts, []);
    assert.deepEqual(m.metadata.properties, { owner: 'b', 'write.format.default': 'parquet' });
    assert.deepEqual(Object.keys(m.metadata.refs).sort(), ['audit', 'main']);
    const clash = mergeTableFields(base, { ...base, properties: { owner: 'c' } }, target);
    assert.deepEqual(clash.conflicts, ['property "owner" set differently on both sides']);
    assert.deepEqual(mergeByKey({ a: '1', b: '2' }, { a: '1' }, { a: '1', b: '2' }, (x, y) => x === y).merged, {
      a: '1',
    });
  });

  it('refuses different tables, a format upgrade on one side and a source whose history lost the base', () => {
    const other = { ...withSnapshot(base, 2n), 'table-uuid': 'uuid-2' };
    assert.deepEqual(planTableMerge(base, other, base).conflicts[0], {
      kind: 'different-tables',
      message: 'the two sides are different tables (table-uuid differs)',
    });
    const v3 = { ...withSnapshot(base, 2n), 'format-version': 3 as const };
    assert.deepEqual(
      planTableMerge({ ...base, 'format-version': 3 }, v3, { ...base, 'format-version': 3 }).conflicts,
      [],
    );
    const upgraded = planTableMerge(base, v3, withSnapshot(base, 3n)).conflicts[0];
    assert.equal(upgraded.kind, 'format-version-upgraded');
    assert.match(upgraded.message, /format version/);
    const rolledBack = withSnapshot(table(), 5n);
    const lost = planTableMerge(base, rolledBack, withSnapshot(base, 3n)).conflicts[0];
    assert.equal(lost.kind, 'history-rewritten');
    assert.match(lost.message, /no longer contains/);
  });

  it('replays when only the base snapshot was expired; names the snapshot when a later one was', () => {
    const source = withSnapshot(withSnapshot(base, 2n), 3n);
    const target = withSnapshot(base, 4n);
    const withoutBase = { ...source, snapshots: source.snapshots.filter((s) => s['snapshot-id'] !== 1n) };
    const plan = planTableMerge(base, withoutBase, target);
    assert.deepEqual(plan.conflicts, []);
    assert.deepEqual(ids(plan.snapshots), [2n, 3n]);
    assert.deepEqual(historySince(withoutBase, 1n), { kind: 'found', snapshots: withoutBase.snapshots });
    const withoutTwo = { ...source, snapshots: source.snapshots.filter((s) => s['snapshot-id'] !== 2n) };
    assert.deepEqual(historySince(withoutTwo, 1n), { kind: 'expired', snapshotId: 2n });
    assert.match(planTableMerge(base, withoutTwo, target).conflicts[0].message, /source's snapshot 2, .* was expired/);
    assert.equal(historyProblem('target', { kind: 'diverged' }, 1n)?.includes('rolled back'), true);
  });

  describe('after merges in both directions (replayed snapshots keep their ids)', () => {
    /** `md` with snapshot `id` replayed on top of its current one: same id and change, new parent. */
    const replayed = (md: ReturnType<typeof table>, id: bigint) => withSnapshot(md, id);

    it("finds the feature's own snapshots below main's, after the feature branch was updated from main", () => {
      // base = main when the feature merged it: 1 → 2. The feature: 1 → 10 (its own) → 2 (main's, replayed).
      const mainThen = withSnapshot(base, 2n);
      const feature = replayed(withSnapshot(base, 10n), 2n);
      assert.deepEqual(ids(snapshotsSince(feature, 2n)), [], 'stopping at the base snapshot loses 10');
      assert.deepEqual(historyBeyond(feature, mainThen), { kind: 'found', snapshots: [feature.snapshots[1]] });
      // main moved on (1 → 2 → 3): the feature's 10 is replayed, main's own 3 is what the target changed.
      const mainNow = withSnapshot(mainThen, 3n);
      assert.deepEqual(ids(planTableMerge(mainThen, feature, mainNow).snapshots), [10n]);
      assert.deepEqual(historyBeyond(mainNow, mainThen), { kind: 'found', snapshots: [mainNow.snapshots[2]] });
    });

    it("finds them below main's snapshots after two updates from main", () => {
      // The feature: 1 → 10 → 2 → 3 (main's 2, then main's 3, each merged in); the base is main's 3 (1 → 2 → 3).
      const mainThen = withSnapshot(withSnapshot(base, 2n), 3n);
      const feature = replayed(replayed(withSnapshot(base, 10n), 2n), 3n);
      assert.deepEqual(ids(planTableMerge(mainThen, feature, withSnapshot(mainThen, 4n)).snapshots), [10n]);
    });

    it('replays what two branches both merged from a third only once', () => {
      // c: 1 → 100. a: 1 → 10 → 100 (merged c); b: 1 → 20 → 100 (merged c); main took a; the base is c.
      const c = withSnapshot(base, 100n);
      const a = replayed(withSnapshot(base, 10n), 100n);
      const b = replayed(withSnapshot(base, 20n), 100n);
      assert.deepEqual(ids(planTableMerge(c, b, a).snapshots), [20n]);
      // Without a merge commit in between (a transplant to both): the base is older, 100 is on the target already.
      assert.deepEqual(ids(planTableMerge(base, b, a).snapshots), [20n]);
      // A snapshot of the same id that is another change (ids chosen by a writer) is still replayed.
      const other = withSnapshot(withSnapshot(base, 10n), 100n, { 'added-records': '99' });
      assert.deepEqual(ids(planTableMerge(base, b, other).snapshots), [20n, 100n]);
    });

    it('still refuses a source rolled back past the base or missing one of its own snapshots', () => {
      const mainThen = withSnapshot(base, 2n);
      assert.deepEqual(historyBeyond(withSnapshot(base, 10n), mainThen), { kind: 'diverged' });
      const feature = replayed(withSnapshot(base, 10n), 2n);
      const expired = { ...feature, snapshots: feature.snapshots.filter((s) => s['snapshot-id'] !== 10n) };
      assert.deepEqual(historyBeyond(expired, mainThen), { kind: 'expired', snapshotId: 10n });
    });
  });

  it('keeps source snapshot ids unless the target already uses them', () => {
    const target = withSnapshot(base, 2n);
    const source = withSnapshot(withSnapshot(base, 2n), 4n);
    let next = 100n;
    assert.deepEqual(
      replayIds(source.snapshots.slice(1), target, () => next++),
      [100n, 4n],
    );
  });

  it('counts what forcing the source over the target drops from the target', () => {
    const target = withSnapshot(withSnapshot(base, 3n, { 'added-records': '5' }), 4n, { 'added-records': '7' });
    const source = withSnapshot(base, 2n);
    assert.deepEqual(lostByReplacing(target, source), { snapshots: 2, rows: 12 });
    assert.deepEqual(lostByReplacing(base, source), { snapshots: 0, rows: 0 });
  });
});
