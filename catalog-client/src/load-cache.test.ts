import assert from 'node:assert/strict';
import { LoadCache } from './load-cache.ts';

describe('LoadCache', () => {
  it('offers the ETag of a kept answer and gives the answer back for a 304', () => {
    const c = new LoadCache<string>();
    assert.equal(c.etagFor('/t'), undefined);
    c.keep('/t', '"a"', 'answer', 1000);
    assert.equal(c.etagFor('/t', 1000), '"a"');
    assert.equal(c.reuse('/t'), 'answer');
  });
  it('keeps nothing for an answer without an ETag, and drops what it kept for that table', () => {
    const c = new LoadCache<string>();
    c.keep('/t', '"a"', 'old', 1000);
    c.keep('/t', undefined, 'new', 1000);
    assert.equal(c.etagFor('/t', 1000), undefined);
    assert.equal(c.reuse('/t'), undefined);
  });
  it('loads afresh an answer older than its age limit (vended credentials age)', () => {
    const c = new LoadCache<string>(10, 60_000);
    c.keep('/t', '"a"', 'answer', 0);
    assert.equal(c.etagFor('/t', 60_000), '"a"');
    assert.equal(c.etagFor('/t', 60_001), undefined);
    assert.equal(c.reuse('/t'), undefined);
  });
  it('drops the oldest table first beyond its size', () => {
    const c = new LoadCache<number>(2);
    c.keep('/a', '"1"', 1, 0);
    c.keep('/b', '"2"', 2, 0);
    c.keep('/c', '"3"', 3, 0);
    assert.deepEqual(
      ['/a', '/b', '/c'].map((u) => c.etagFor(u, 0)),
      [undefined, '"2"', '"3"'],
    );
  });
});
