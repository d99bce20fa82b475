import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT, decodeJwt } from 'jose';
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

  it('challenges a sent but malformed bearer token with error="invalid_token", a missing one without', async () => {
    const auth = await AuthService.open(config, dir);
    const challenge = async (header: string | undefined) => {
      const err = await auth.authenticate(header).then(
        () => assert.fail(`${header} was accepted`),
        (e: unknown) => e,
      );
      assert.ok(err instanceof UnauthorizedError);
      return String(err.data['wwwAuthenticate']);
    };
    for (const header of ['Bearer a b', 'bearer  a\tb ', 'Bearer None', 'Bearer a.b.c']) {
      assert.match(await challenge(header), /error="invalid_token"/, header);
    }
    for (const header of [undefined, '', 'Bearer', 'Bearer  ', 'Basic ZXRsOnMzY3JldA==']) {
      assert.doesNotMatch(await challenge(header), /error=/, String(header));
    }
  });
});

describe('AuthService (sessions bounded by session-max-seconds)', () => {
  // Tokens for 10 minutes, sessions of at most an hour.
  const bounded = () =>
    parseAuthConfig(`
clients: [{ id: etl, secret-sha256: "${hashSecret('s3cret')}", roles: [writer] }]
roles: { writer: [{ refs: ["*"], allow: [read, write] }] }
token-ttl-seconds: 600
session-max-seconds: 3600
`);
  let dir: string;
  let auth: AuthService;
  /** A token of ours as an earlier sign-in left it: `claims` set `auth_time` and `iat` as the test needs. */
  let forge: (claims: { auth_time?: number; iat: number }) => Promise<string>;
  const now = () => Math.floor(Date.now() / 1000);
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-auth-unit-'));
    auth = await AuthService.open(bounded(), dir);
    const key = new Uint8Array(Buffer.from(JSON.parse(readFileSync(signingKeyPath(dir), 'utf8')).k, 'base64url'));
    forge = ({ auth_time, iat }) =>
      new SignJWT(auth_time === undefined ? {} : { auth_time })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(OWN_ISSUER)
        .setAudience(OWN_ISSUER)
        .setSubject('etl')
        .setIssuedAt(iat)
        .setExpirationTime(now() + 60)
        .sign(key);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stamps a sign-in with auth_time and copies it unchanged into every exchanged token', async () => {
    const signIn = await auth.clientCredentials('etl', 's3cret');
    const first = decodeJwt(signIn.token);
    assert.ok(Math.abs(Number(first.auth_time) - now()) <= 2, 'auth_time is the sign-in time');
    assert.equal(first.exp, first.iat! + 600);
    const started = now() - 1800;
    const renewed = await auth.exchange(await forge({ auth_time: started, iat: now() - 60 }));
    const claims = decodeJwt(renewed.token);
    assert.equal(claims.auth_time, started);
    assert.equal(claims.exp, claims.iat! + 600);
    assert.equal(renewed.expiresIn, 600);
    assert.equal((await auth.authenticate(`Bearer ${renewed.token}`)).id, 'etl');
  });

  it('refuses (invalid_grant) an exchange whose token would outlive the session; a token without auth_time counts from its iat', async () => {
    const invalidGrant = (err: unknown) => err instanceof OAuthTokenError && err.data['oauthError'] === 'invalid_grant';
    // 3,100 s into an hour-long session: a 600 s token would end 100 s after it.
    await assert.rejects(auth.exchange(await forge({ auth_time: now() - 3100, iat: now() - 30 })), invalidGrant);
    await assert.rejects(auth.exchange(await forge({ auth_time: now() - 90_000, iat: now() - 30 })), invalidGrant);
    await assert.rejects(auth.exchange(await forge({ iat: now() - 3100 })), invalidGrant);
    const legacyIat = now() - 100;
    const legacy = decodeJwt((await auth.exchange(await forge({ iat: legacyIat }))).token);
    assert.equal(legacy.auth_time, legacyIat);
  });

  it("starts a new session for an exchange that authenticates the client (Java's refresh with its credential)", async () => {
    const over = await forge({ auth_time: now() - 90_000, iat: now() - 30 });
    const fresh = decodeJwt((await auth.exchange(over, { id: 'etl', secret: 's3cret' })).token);
    assert.ok(Math.abs(Number(fresh.auth_time) - now()) <= 2, 'a new session starts');
    assert.equal(fresh.sub, 'etl');
    await assert.rejects(
      auth.exchange(over, { id: 'etl', secret: 'wrong' }),
      (err: unknown) => err instanceof OAuthTokenError && err.data['oauthError'] === 'invalid_client',
    );
  });
});
