import assert from 'node:assert/strict';
import { credentialsFromEnv } from './auth.ts';

describe('client credentials from the environment', () => {
  it('prefers RAT_TOKEN, then RAT_CLIENT_ID + RAT_CLIENT_SECRET, else none', () => {
    assert.deepEqual(credentialsFromEnv({ RAT_TOKEN: 't', RAT_CLIENT_ID: 'a', RAT_CLIENT_SECRET: 's' }), {
      token: 't',
    });
    assert.deepEqual(credentialsFromEnv({ RAT_CLIENT_ID: 'a', RAT_CLIENT_SECRET: 's' }), {
      clientId: 'a',
      clientSecret: 's',
    });
    assert.equal(credentialsFromEnv({ RAT_CLIENT_ID: 'a' }), undefined);
    assert.equal(credentialsFromEnv({ RAT_TOKEN: '' }), undefined);
  });
});
