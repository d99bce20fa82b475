import assert from 'node:assert/strict';
import { BadRequestError } from '../../errors/index.ts';
import { decodeToken, encodeToken, pageSize, pageSorted } from './paging.ts';

describe('the paginator', () => {
  const letters = ['a', 'b', 'c', 'd', 'e'];
  const id = (s: string) => s;

  it('pages a sorted list by the last key returned, to the end', () => {
    const first = pageSorted(letters, id, { limit: 2 });
    assert.deepEqual(first.items, ['a', 'b']);
    const second = pageSorted(letters, id, { limit: 2, pageToken: first.token });
    assert.deepEqual(second.items, ['c', 'd']);
    const last = pageSorted(letters, id, { limit: 2, pageToken: second.token });
    assert.deepEqual(last, { items: ['e'], token: undefined });
  });

  it('stays correct when the key a token names was removed meanwhile', () => {
    const token = pageSorted(letters, id, { limit: 2 }).token;
    assert.deepEqual(pageSorted(['a', 'c', 'd'], id, { limit: 5, pageToken: token }).items, ['c', 'd']);
  });

  it('returns everything without a limit, and refuses bad sizes and tokens', () => {
    assert.deepEqual(pageSorted(letters, id, {}).items, letters);
    assert.equal(pageSize(undefined), 100);
    assert.equal(pageSize(50_000), 10_000);
    assert.throws(() => pageSize(0), BadRequestError);
    assert.throws(() => decodeToken('not base64url!'), BadRequestError);
    // Base64url, but of bytes that are not UTF-8 text (a mistyped or cut token): not a position either.
    assert.throws(() => decodeToken('garbage'), /Invalid pageToken "garbage": pass the token a previous page/);
    assert.throws(() => decodeToken(encodeToken('db\u0000table').slice(0, -1)), BadRequestError);
    assert.equal(decodeToken(encodeToken('db\u0000t')), 'db\u0000t');
  });
});
