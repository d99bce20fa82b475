import assert from 'node:assert/strict';
import { bearerToken } from './bearer-token.ts';

describe('bearerToken', () => {
  it('keeps a token, dropping a Bearer prefix and the whitespace a wrapped copy brings', () => {
    assert.equal(bearerToken('eyJhbGciOi.eyJzdWIi.sig-_~+/=='), 'eyJhbGciOi.eyJzdWIi.sig-_~+/==');
    assert.equal(bearerToken('  Bearer eyJhbG\nciOi.eyJz\r\n dWIi.sig \n'), 'eyJhbGciOi.eyJzdWIi.sig');
    assert.equal(bearerToken('eyJhbG\u200bciOi.x\ufeff'), 'eyJhbGciOi.x');
  });

  it('refuses text no Authorization header can carry, or that is no token', () => {
    assert.equal(bearerToken('eyJhbGciOi…'), undefined);
    assert.equal(bearerToken('token: abc'), undefined);
    assert.equal(bearerToken('   '), undefined);
    assert.equal(bearerToken('a=b'), undefined);
  });
});
