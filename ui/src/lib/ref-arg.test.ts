import assert from 'node:assert/strict';
import { icebergRef, refArg } from './ref-arg.ts';

describe('refArg', () => {
  it('turns names, hashes and name@hash into {ref} path elements', () => {
    assert.equal(refArg('main'), 'main');
    assert.equal(refArg('feature/x'), 'feature%2Fx');
    assert.equal(refArg(' 6599b8f548cd '), '@6599b8f548cd');
    assert.equal(refArg('feature/x@6599b8f548cd'), 'feature%2Fx@6599b8f548cd');
    assert.equal(refArg('release@v1'), 'release%40v1', 'an @ not followed by a hash is part of the name');
    assert.equal(icebergRef('6599b8f548cd'), '@6599b8f548cd');
    assert.equal(icebergRef('feature/x'), 'feature/x');
  });
});
