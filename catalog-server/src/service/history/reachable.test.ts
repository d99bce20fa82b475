import assert from 'node:assert/strict';
import { unreachedFrom, type CommitLinks } from './reachable.ts';

/** An in-memory commit graph: name → parents; generations computed as the store does (1 + the highest parent's). */
function graph(parents: Record<string, string[]>) {
  const commits = new Map<string, CommitLinks>();
  const gen = (h: string): number => {
    const known = commits.get(h);
    if (known) return known.generation;
    const ps = parents[h] ?? [];
    const c = { generation: ps.length === 0 ? 0 : 1 + Math.max(...ps.map(gen)), parentHashes: ps, commitTime: '' };
    commits.set(h, c);
    return c.generation;
  };
  Object.keys(parents).forEach(gen);
  const loads: string[] = [];
  const load = async (h: string) => {
    loads.push(h);
    return commits.get(h)!;
  };
  const targets = (...hs: string[]) => new Map(hs.map((h) => [h, commits.get(h)!.generation]));
  return { load, loads, targets };
}

/** root ← m1 ← m2 ← m3 ← merge(m3, d2) on main; d1 ← d2 on dev forked at m1; x1 off the root on another branch. */
const HISTORY = {
  root: [],
  m1: ['root'],
  m2: ['m1'],
  m3: ['m2'],
  d1: ['m1'],
  d2: ['d1'],
  merge: ['m3', 'd2'],
  x1: ['root'],
};

describe('unreachedFrom: which commits a head does not reach', () => {
  it('reaches the head, first-parent ancestors and commits merged in through a second parent', async () => {
    const g = graph(HISTORY);
    assert.deepEqual(await unreachedFrom('merge', g.targets('merge', 'm1', 'd2', 'root'), g.load, 100), {
      hashes: [],
      exhausted: false,
    });
  });

  it('names the commits it does not reach, in the order given', async () => {
    const g = graph(HISTORY);
    assert.deepEqual(await unreachedFrom('d2', g.targets('x1', 'm1', 'm3', 'd1'), g.load, 100), {
      hashes: ['x1', 'm3'],
      exhausted: false,
    });
  });

  it('walks one history for all targets, never below the oldest one', async () => {
    const g = graph(HISTORY);
    await unreachedFrom('merge', g.targets('m3', 'd1'), g.load, 100);
    // d1 (generation 2) is the lowest target: m1 and the root below it are never loaded, nor anything twice.
    assert.ok(!g.loads.includes('m1') && !g.loads.includes('root'), g.loads.join());
    assert.equal(new Set(g.loads).size, g.loads.length);
  });

  it('loads nothing when every target is the head', async () => {
    const g = graph(HISTORY);
    assert.deepEqual(await unreachedFrom('m2', g.targets('m2'), g.load, 0), { hashes: [], exhausted: false });
    assert.deepEqual(g.loads, []);
  });

  it('stops at its limit and says so, naming the targets not found by then', async () => {
    const chain: Record<string, string[]> = { c0: [] };
    for (let i = 1; i <= 50; i++) chain[`c${i}`] = [`c${i - 1}`];
    const g = graph(chain);
    assert.deepEqual(await unreachedFrom('c50', g.targets('c48', 'c1'), g.load, 10), {
      hashes: ['c1'],
      exhausted: true,
    });
    assert.equal(g.loads.length, 10);
    assert.deepEqual(await unreachedFrom('c50', g.targets('c48', 'c1'), g.load, 50), {
      hashes: [],
      exhausted: false,
    });
  });
});
