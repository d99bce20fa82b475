import assert from 'node:assert/strict';
import type { ManifestEntry } from '@ratatouille/iceberg';
import { DecodedManifests, defaultManifestCacheBytes, estimatedBytes } from './decoded-manifests.ts';

/** Entries of 1,000 estimated bytes each: no stats, a 50-character path. */
const entries = (n: number) =>
  Array.from({ length: n }, () => ({ dataFile: { filePath: 'p'.repeat(50) } }) as unknown as ManifestEntry);
const KB = 1000;

describe('decoded manifests for scan plans', () => {
  it('reads a manifest once for concurrent and later requests', async () => {
    const cache = new DecodedManifests(100 * KB);
    let reads = 0;
    const load = async () => (reads++, entries(3));
    const [a, b] = await Promise.all([cache.get('m1', 10, load), cache.get('m1', 10, load)]);
    assert.equal(a, b);
    await cache.get('m1', 10, load);
    assert.equal(reads, 1);
    assert.equal(cache.size, 3 * KB);
  });

  it('keys on the length too: a file rewritten in place is read again', async () => {
    const cache = new DecodedManifests(100 * KB);
    let reads = 0;
    const load = async () => (reads++, entries(1));
    await cache.get('m1', 10, load);
    await cache.get('m1', 11, load);
    assert.equal(reads, 2);
  });

  it('drops the least recently used past its budget', async () => {
    const cache = new DecodedManifests(10 * KB);
    let reads = 0;
    const load = (n: number) => async () => (reads++, entries(n));
    await cache.get('a', 1, load(4));
    await cache.get('b', 1, load(4));
    await cache.get('a', 1, load(4)); // a is now the most recent
    await cache.get('c', 1, load(4)); // 12 > 10: b goes
    assert.equal(cache.size, 8 * KB);
    await cache.get('a', 1, load(4));
    assert.equal(reads, 3);
    await cache.get('b', 1, load(4));
    assert.equal(reads, 4);
  });

  it('with no budget keeps nothing, yet concurrent requests still share one read', async () => {
    const cache = new DecodedManifests(0);
    let reads = 0;
    const load = async () => (reads++, entries(1));
    await Promise.all([cache.get('m', 1, load), cache.get('m', 1, load)]);
    assert.equal(reads, 1);
    await cache.get('m', 1, load);
    assert.equal(reads, 2);
    assert.equal(cache.size, 0);
  });

  it("defaults to an eighth of the process's heap limit, at least 64 MB", () => {
    const MB = 1024 * 1024;
    assert.equal(defaultManifestCacheBytes(4096 * MB), 512 * MB);
    assert.equal(defaultManifestCacheBytes(4144 * MB), 518 * MB);
    assert.equal(defaultManifestCacheBytes(256 * MB), 64 * MB);
  });

  it('does not remember a failed read', async () => {
    const cache = new DecodedManifests(10 * KB);
    await assert.rejects(
      cache.get('m', 1, async () => {
        throw new Error('gone');
      }),
    );
    assert.equal((await cache.get('m', 1, async () => entries(2))).length, 2);
  });

  it('estimates an entry by its path and the values of its stats maps', () => {
    const stats = new Map([
      [1, 1],
      [2, 2],
    ]);
    const e = { dataFile: { filePath: 'abc', valueCounts: stats, lowerBounds: stats } } as unknown as ManifestEntry;
    assert.equal(estimatedBytes([e, e]), 2 * (900 + 6 + 80 * 4));
  });
});
