import assert from 'node:assert/strict';
import { exactInt64, storedInt64 } from './int64.ts';

describe('64-bit ids in store content', () => {
  it('keeps a safe id a number and a larger one its exact decimal text, both ways', () => {
    assert.equal(storedInt64(7), 7);
    assert.equal(storedInt64(7n), 7);
    assert.equal(storedInt64(-1n), -1);
    assert.equal(storedInt64(3022908050779232769n), '3022908050779232769');
    assert.equal(storedInt64(-9007199254740993n), '-9007199254740993');
    assert.equal(exactInt64('3022908050779232769'), 3022908050779232769n);
    assert.equal(exactInt64(42), 42);
  });
});
