import assert from 'node:assert/strict';
import { parseRefSpec } from './ref-spec.ts';
import { BadRequestError } from '../errors/index.ts';

describe('reference expressions', () => {
  const h = 'ab'.repeat(32);
  it('parses a plain branch, with slashes', () => {
    assert.deepEqual(parseRefSpec('feature/x'), { kind: 'head', name: 'feature/x' });
  });
  it('parses name@hash and @hash', () => {
    assert.deepEqual(parseRefSpec(`main@${h}`), { kind: 'hash', name: 'main', hash: h });
    assert.deepEqual(parseRefSpec(`@${h}`), { kind: 'hash', name: null, hash: h });
    assert.deepEqual(parseRefSpec(`DETACHED@${h}`), { kind: 'hash', name: null, hash: h });
  });
  it('parses name*timestamp', () => {
    assert.deepEqual(parseRefSpec('main*2026-11-22T10:00:00Z'), {
      kind: 'time',
      name: 'main',
      at: Date.UTC(2026, 10, 22, 10),
    });
  });
  it('rejects malformed hashes and timestamps', () => {
    assert.throws(() => parseRefSpec('main@xyz'), BadRequestError);
    assert.throws(() => parseRefSpec('main*yesterday'), BadRequestError);
    assert.throws(() => parseRefSpec(''), BadRequestError);
  });
});
