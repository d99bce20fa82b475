import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { OAuthTokenError, UnauthorizedError } from '../errors/index.ts';
import { AuthService } from './auth-service.ts';
import { parseAuthConfig } from './config.ts';
import { OWN_ISSUER } from './own-tokens.ts';
import { hashSecret } from './secret.ts';
import { signingKeyPath } from './signing-key.ts';

const config = parseAuthConfig(`
clients: [{ id: etl, secret-sha256: "${hashSecret('s3cret')}", roles: [writer] }]
roles: { writer: [{ refs: ["*"], allow: [read, write] }] }
`);

describe('AuthService (own tokens)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'rat-auth-unit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('issues a token for the right secret and maps it back to the client and its roles', async () => {
    const auth = await AuthService.open(config, dir);
    const { token, expiresIn } = await auth.clientCredentials('etl', 's3cret');
    assert.equal(expiresIn, 3600);
    assert.deepEqual(await auth.authenticate(`Bearer ${token}`), { id: 'etl', roles: ['writer'], via: 'client' });
    await assert.rejects(auth.clientCredentials('etl', 'wrong'), OAuthTokenError);
    await assert.rejects(auth.clientCredentials('nobody', 's3cret'), OAuthTokenError);
  });

  it('keeps the signing key across restarts, owner-only; a new key invalidates old tokens', async () => {
    const { token } = await (await AuthService.open(config, dir)).clientCredentials('etl', 's3cret');
    assert.equal((await (await AuthService.open(config, dir)).authenticate(`Bearer ${token}`)).id, 'etl');
    const file = signingKeyPath(dir);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    rmSync(file);
    await assert.rejects((await AuthService.open(config, dir)).authenticate(`Bearer ${token}`), UnauthorizedError);
  });

  it('refuses a missing header, a non-JWT, an expired token and one for a client no longer configured', async () => {
    const auth = await AuthService.open(config, dir);
    await assert.rejects(auth.authenticate(undefined), UnauthorizedError);
    await assert.rejects(auth.authenticate('Bearer None'), UnauthorizedError);
    const key = new Uint8Array(Buffer.from(JSON.parse(readFileSync(signingKeyPath(dir), 'utf8')).k, 'base64url'));
    const sign = (sub: string, exp: number) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(OWN_ISSUER)
        .setAudience(OWN_ISSUER)
        .setSubject(sub)
        .setExpirationTime(exp)
        .sign(key);
    const now = Math.floor(Date.now() / 1000);
    await assert.rejects(auth.authenticate(`Bearer ${await sign('etl', now - 60)}`), UnauthorizedError);
    await assert.rejects(auth.authenticate(`Bearer ${await sign('gone', now + 60)}`), UnauthorizedError);
    assert.equal((await auth.authenticate(`Bearer ${await sign('etl', now + 60)}`)).id, 'etl');
  });
});
