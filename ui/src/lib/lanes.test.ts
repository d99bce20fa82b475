import assert from 'node:assert/strict';
import { LaneLayout } from './lanes.ts';

describe('LaneLayout', () => {
  it('keeps a linear history in one lane', () => {
    const l = new LaneLayout(new Set(['root']));
    const rows = [
      { hash: 'c', parents: ['b'] },
      { hash: 'b', parents: ['a'] },
      { hash: 'a', parents: ['root'] },
    ].map((c) => l.next(c));
    assert.deepEqual(
      rows.map((r) => [r.col, r.into, r.through, r.out]),
      [
        [0, [], [], [0]],
        [0, [0], [], [0]],
        [0, [0], [], []],
      ],
    );
  });

  it('draws a merge as a second lane that joins the fork point', () => {
    // m merges d into c; both come from a.
    const l = new LaneLayout();
    const m = l.next({ hash: 'm', parents: ['c', 'd'] });
    assert.deepEqual([m.col, m.out], [0, [0, 1]]);
    const c = l.next({ hash: 'c', parents: ['a'] });
    assert.deepEqual([c.col, c.into, c.through, c.out], [0, [0], [1], [0]]);
    const d = l.next({ hash: 'd', parents: ['a'] });
    assert.deepEqual([d.col, d.into, d.through, d.out], [1, [1], [0], [0]], 'd joins the lane already waiting for a');
    const a = l.next({ hash: 'a', parents: [] });
    assert.deepEqual([a.col, a.into, a.through, a.width], [0, [0], [], 1]);
  });

  it('opens a lane per branch head and reuses freed columns', () => {
    const l = new LaneLayout();
    const x = l.next({ hash: 'x', parents: ['a'] });
    const y = l.next({ hash: 'y', parents: ['a'] });
    assert.deepEqual([x.col, y.col, y.through, y.out], [0, 1, [0], [0]]);
    const a = l.next({ hash: 'a', parents: ['r'] });
    assert.deepEqual([a.col, a.into], [0, [0]]);
    const z = l.next({ hash: 'z', parents: [] });
    assert.equal(z.col, 1, 'a commit no lane waits for opens the first free column');
  });
});
