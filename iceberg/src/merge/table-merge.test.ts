import assert from 'node:assert/strict';
import { historyProblem, historySince, lostByReplacing, snapshotsSince } from './lineage.ts';
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
      'schema changed differently on both sides',
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
    assert.match(planTableMerge(base, other, base).conflicts[0], /different tables/);
    const v3 = { ...withSnapshot(base, 2n), 'format-version': 3 as const };
    assert.deepEqual(
      planTableMerge({ ...base, 'format-version': 3 }, v3, { ...base, 'format-version': 3 }).conflicts,
      [],
    );
    assert.match(planTableMerge(base, v3, withSnapshot(base, 3n)).conflicts[0], /format version/);
    const rolledBack = withSnapshot(table(), 5n);
    assert.match(planTableMerge(base, rolledBack, withSnapshot(base, 3n)).conflicts[0], /no longer contains/);
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
    assert.match(planTableMerge(base, withoutTwo, target).conflicts[0], /source's snapshot 2, .* was expired/);
    assert.equal(historyProblem('target', { kind: 'diverged' }, 1n)?.includes('rolled back'), true);
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
