import assert from 'node:assert/strict';
import { parseRefUpdates } from './on-reference-transaction.ts';
import { parseRewrites } from './on-post-rewrite.ts';

describe('hook stdin parsing', () => {
  it('reference-transaction: one update per line', () => {
    const z = '0'.repeat(40);
    assert.deepEqual(parseRefUpdates(`${z} ${'a'.repeat(40)} refs/tags/v1\n${'b'.repeat(40)} ${z} refs/heads/f\n\n`), [
      { oldSha: z, newSha: 'a'.repeat(40), ref: 'refs/tags/v1' },
      { oldSha: 'b'.repeat(40), newSha: z, ref: 'refs/heads/f' },
    ]);
  });

  it('post-rewrite: old and new sha, extra field ignored', () => {
    assert.deepEqual(parseRewrites('a b\nc d extra\n'), [
      { oldSha: 'a', newSha: 'b' },
      { oldSha: 'c', newSha: 'd' },
    ]);
  });
});
