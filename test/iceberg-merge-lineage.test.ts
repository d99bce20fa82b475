import assert from 'node:assert/strict';
import { useClientSession } from './support/clients/index.ts';

/**
 * Merges after merges, written and read with PyIceberg: a merge replays snapshots keeping their ids, so a branch
 * that took the other side's changes before has the merge base's snapshots on top of its own. Every row must reach
 * main exactly once, and every data file be listed once.
 */
describe('merging branches that merged each other before', function () {
  const session = useClientSession('merge_lineage_suite.py');
  const step = session.step;

  before(() => step('setup'));

  it('a feature branch updated from main keeps its own rows when merged back after main moved on', () => {
    const r = step('feature updated from main, main moves on, feature merged back');
    assert.equal(r.intoFeature.status, 200);
    assert.equal(r.back.status, 200, JSON.stringify(r.back));
    assert.equal(r.back.details[0].outcome, 'RESOLVED');
    assert.match(r.back.details[0].resolution.summary, /^replayed 1 snapshot, \+1 file, \+1 row/);
    assert.deepEqual(r.main, { ids: [1, 2, 3, 10], files: 4, distinct: 4 });
  });

  it('and after two updates from main', () => {
    const r = step('feature updated from main twice, merged back');
    assert.deepEqual([...r.statuses, r.back], [200, 200, 200]);
    assert.deepEqual(r.main, { ids: [1, 2, 3, 4, 10], files: 5, distinct: 5 });
  });

  it('two branches that both merged a third: their own rows once, the shared rows once', () => {
    const r = step('a and b both merged c, then both merged into main');
    assert.deepEqual(
      r.merges.map((m: { status: number }) => m.status),
      [200, 200, 200, 200],
      JSON.stringify(r.merges),
    );
    assert.deepEqual(r.main, { ids: [1, 10, 20, 100], files: 4, distinct: 4 });
  });

  it('a commit transplanted a second time adds nothing', () => {
    const r = step('the same commit transplanted twice');
    assert.deepEqual(r.statuses, [200, 200]);
    assert.deepEqual(r.main, { ids: [1, 2, 10], files: 3, distinct: 3 });
  });

  it('no request was answered 5xx', () => session.assertNoServerErrors());
});
