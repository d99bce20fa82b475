import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { share, wholeNumber } from './options.ts';

describe('whole-number options', () => {
  it('take whole numbers in range and refuse the rest with the range', () => {
    assert.equal(wholeNumber(1)('50'), 50);
    assert.equal(wholeNumber(1, 64)('64'), 64);
    for (const bad of ['abc', '', '0', '1.5', '-3', '1e3', '0x10', '99999999999999999999']) {
      assert.throws(
        () => wholeNumber(1)(bad),
        (e: unknown) => e instanceof InvalidArgumentError && e.message === 'Give a whole number of at least 1.',
        bad,
      );
    }
    assert.throws(() => wholeNumber(1, 64)('65'), /from 1 to 64/);
  });
});

describe('share options', () => {
  it('take a number above 0 and at most 1, and refuse the rest', () => {
    assert.equal(share('0.3'), 0.3);
    assert.equal(share('.5'), 0.5);
    assert.equal(share('1'), 1);
    for (const bad of ['0', '', '1.5', '2', '-0.3', 'abc', '30%', '1e-1']) {
      assert.throws(
        () => share(bad),
        (e: unknown) => e instanceof InvalidArgumentError && /above 0 and at most 1/.test(e.message),
        bad,
      );
    }
  });
});
