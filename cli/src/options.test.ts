import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { wholeNumber } from './options.ts';

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
