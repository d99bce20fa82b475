import assert from 'node:assert/strict';
import { ListCache } from './list-cache.ts';

describe('list cache', () => {
  it('computes a diff once for all its pages', async () => {
    const cache = new ListCache<number>(10);
    let computed = 0;
    const compute = async () => (computed++, [1, 2, 3]);
    assert.deepEqual(await cache.get('a:b', compute), [1, 2, 3]);
    assert.deepEqual(await cache.get('a:b', compute), [1, 2, 3]);
    assert.equal(computed, 1);
  });

  it('drops the least recently used diffs to stay within its bound, and never keeps one larger than it', async () => {
    const cache = new ListCache<number>(5);
    const calls: string[] = [];
    const of = (key: string, n: number) =>
      cache.get(key, async () => (calls.push(key), Array.from({ length: n }, (_, i) => i)));
    await of('x', 2);
    await of('y', 2);
    await of('x', 2); // x is now the most recent
    await of('z', 2); // evicts y
    await of('x', 2);
    await of('y', 2);
    await of('big', 6);
    await of('big', 6);
    assert.deepEqual(calls, ['x', 'y', 'z', 'y', 'big', 'big']);
  });

  it('counts a diff computed twice at once only once', async () => {
    const cache = new ListCache<number>(5);
    const calls: string[] = [];
    const of = (key: string, n: number) =>
      cache.get(key, async () => (calls.push(key), Array.from({ length: n }, (_, i) => i)));
    await Promise.all([of('x', 2), of('x', 2)]);
    await of('y', 3); // fits beside x (2 + 3), unless x had been counted twice
    await of('x', 2);
    assert.deepEqual(calls, ['x', 'x', 'y']);
  });
});
