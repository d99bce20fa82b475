import assert from 'node:assert/strict';
import { keyElements, keyText } from './key-text.ts';

describe('keyText / keyElements', () => {
  it('round-trips keys, escaping elements with dots, slashes and percent signs', () => {
    for (const k of [
      ['shop', 'orders'],
      ['shop', 'a.b'],
      ['x/y', 'z%', 'w*v', 'back\\slash'],
    ]) {
      assert.deepEqual(keyElements(keyText(k)), k);
    }
    assert.equal(keyText(['shop', 'orders']), 'shop.orders');
    assert.equal(keyText(['shop', 'a.b']), '.shop.a*.b');
  });
});
