import assert from 'node:assert/strict';
import { assertValidReferenceName, referenceNameProblem } from './ref-name.ts';
import { InvalidReferenceNameError } from '../errors/index.ts';

describe('reference names', () => {
  for (const ok of ['main', 'feature/x', 'release-1.2', 'user/jo/fix_3', 'v1', 'ünïcode']) {
    it(`accepts ${ok}`, () => assert.equal(referenceNameProblem(ok), undefined));
  }
  for (const bad of [
    '',
    'a..b',
    'a b',
    'feature/',
    '/x',
    'a//b',
    'x.lock',
    'a/b.lock/c',
    '.hidden',
    'a/.b',
    'tab\there',
    'x~1',
    'a^b',
    'a:b',
    'a?b',
    'a*b',
    'a[b',
    'a\\b',
    'a@{b',
    '@',
    'x@y',
    'x@',
    '@x',
    'a#b',
    '#',
    'end.',
    '-flag',
    'HEAD',
    'DETACHED',
    'a'.repeat(256),
    'a'.repeat(64).replace(/a/g, 'f'),
  ]) {
    it(`rejects ${JSON.stringify(bad.slice(0, 20))}`, () => {
      assert.throws(() => assertValidReferenceName(bad), InvalidReferenceNameError);
    });
  }
});
