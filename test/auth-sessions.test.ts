/**
 * Token exchange over HTTP, as Iceberg's Java client refreshes: a token is renewed within its session only (the
 * sign-in with client credentials, `auth_time`, plus `session-max-seconds`), and an exchange that also authenticates
 * the client with HTTP Basic — what the Java client sends once a plain exchange is refused or its token has expired —
 * is a new sign-in.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT, decodeJwt } from 'jose';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { SECRETS, TEAM_AUTH, bearer, tokenFor } from './support/auth.ts';

const TOKEN_URL = '/iceberg/v1/oauth/tokens';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
});

describe('auth: token exchange within a bounded session', function () {
  this.timeout(60_000);
  let server: TestServer;
  /** A token of ours for `etl` signed with the server's key: a sign-in at `authTime`, expiring at `exp`. */
  let signed: (authTime: number, exp: number) => Promise<string>;
  const now = () => Math.floor(Date.now() / 1000);
  const exchange = (subjectToken: string, headers: Record<string, string> = {}) =>
    http(
      'POST',
      `${server.url}${TOKEN_URL}`,
      new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: subjectToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        scope: 'catalog',
      }).toString(),
      { ...FORM, ...headers },
    );

  before(async function () {
    server = await startTestServer({ auth: { ...TEAM_AUTH, 'token-ttl-seconds': 600, 'session-max-seconds': 3600 } });
    const keyFile = path.join(server.dataDir, 'auth', 'token-signing-key.json');
    // On PostgreSQL (RAT_TEST_STORE=postgresql) the key is in the database, not a file to sign with here.
    if (!existsSync(keyFile)) this.skip();
    const key = new Uint8Array(Buffer.from(JSON.parse(readFileSync(keyFile, 'utf8')).k, 'base64url'));
    signed = (authTime, exp) =>
      new SignJWT({ auth_time: authTime })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('ratatouille')
        .setAudience('ratatouille')
        .setSubject('etl')
        .setIssuedAt(Math.min(now(), exp - 1))
        .setExpirationTime(exp)
        .sign(key);
  });
  after(async () => server?.stop());

  it('renews a token in the same session: auth_time is copied, the lifetime is the configured one', async () => {
    const token = await tokenFor(server.url, 'etl');
    const renewed = await exchange(token);
    assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
    assert.equal(renewed.body.expires_in, 600);
    assert.equal(decodeJwt(renewed.body.access_token).auth_time, decodeJwt(token).auth_time);
  });

  it('refuses (400 invalid_grant) to renew a token whose session would end before the new token', async () => {
    const late = await signed(now() - 3300, now() + 200);
    const refused = await exchange(late);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_grant');
    assert.match(refused.body.error_description, /session-max-seconds/);
    // Refused renewal, not revocation: the token itself works until it expires.
    assert.equal((await http('GET', `${server.url}/iceberg/v1/config`, undefined, bearer(late))).status, 200);
  });

  it('an exchange with the client credentials in HTTP Basic starts a new session, also for an expired token', async () => {
    for (const subject of [await signed(now() - 3300, now() + 200), await signed(now() - 4000, now() - 60)]) {
      const renewed = await exchange(subject, basic('etl', SECRETS.etl));
      assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
      const claims = decodeJwt(renewed.body.access_token);
      assert.equal(claims.sub, 'etl');
      assert.ok(Number(claims.auth_time) >= now() - 5, 'a new session begins');
    }
    const wrong = await exchange(await signed(now() - 3300, now() + 200), basic('etl', 'wrong'));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
  });
});
