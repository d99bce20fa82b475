/**
 * Bearer JWTs from an external OpenID provider (the certified `oidc-provider` package, started here): accepted when
 * signature, issuer, audience and expiry check out, mapped to roles through the `groups` claim; refused (401)
 * otherwise.
 */
import assert from 'node:assert/strict';
import { SignJWT, generateKeyPair } from 'jose';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { TEAM_AUTH, bearer } from './support/auth.ts';
import { startOidcProvider, type TestOidcProvider } from './support/oidc.ts';

describe('auth: OIDC bearer tokens from an external provider', function () {
  this.timeout(60_000);
  let idp: TestOidcProvider;
  let otherIdp: TestOidcProvider;
  let server: TestServer;

  before(async () => {
    idp = await startOidcProvider({ 'svc-reader': ['reader'], 'svc-writer': ['writer', 'unknown-group'] });
    otherIdp = await startOidcProvider({ 'svc-reader': ['admin'] });
    server = await startTestServer({
      auth: { ...TEAM_AUTH, oidc: { issuer: idp.issuer, audience: 'ratatouille', 'roles-claim': 'groups' } },
    });
  });
  after(async () => {
    await server?.stop();
    await idp?.stop();
    await otherIdp?.stop();
  });

  it('accepts the provider’s tokens and applies the roles named in its groups claim', async () => {
    const reader = bearer(await idp.token('svc-reader'));
    assert.equal((await http('GET', `${server.url}/iceberg/v1/namespaces`, undefined, reader)).status, 200);
    const write = await http('POST', `${server.url}/api/v2/trees?name=oidc&type=BRANCH`, {}, reader);
    assert.equal(write.status, 403);
    // What the web UI asks after a provider's token is pasted on its sign-in page.
    const me = await http('GET', `${server.url}/api/v2/rat/whoami?ref=main`, undefined, reader);
    assert.deepEqual([me.body.principal.id, me.body.principal.via], ['svc-reader', 'oidc']);
    assert.deepEqual([me.body.refs.main.read, me.body.refs.main.manage, me.body.mayCreate], [true, false, false]);
    const writer = bearer(await idp.token('svc-writer'));
    const main = (await http('GET', `${server.url}/api/v2/trees/main`, undefined, writer)).body.reference;
    const created = await http('POST', `${server.url}/api/v2/trees?name=oidc&type=BRANCH`, main, writer);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const ns = await http('POST', `${server.url}/iceberg/oidc/v1/namespaces`, { namespace: ['idp'] }, writer);
    assert.equal(ns.status, 200);
    const log = await http('GET', `${server.url}/api/v2/trees/oidc/history`, undefined, writer);
    assert.deepEqual(log.body.logEntries[0].commitMeta.authors, ['svc-writer']);
  });

  it('refuses expired, wrong-audience, wrong-issuer and forged tokens with 401', async () => {
    const expired = await idp.token('svc-reader', 'urn:short');
    const wrongAudience = await idp.token('svc-reader', 'urn:other');
    const wrongIssuer = await otherIdp.token('svc-reader');
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ groups: ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .setIssuer(idp.issuer)
      .setAudience('ratatouille')
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(privateKey);
    await new Promise((r) => setTimeout(r, 2100));
    for (const [what, token] of Object.entries({ expired, wrongAudience, wrongIssuer, forged })) {
      const r = await http('GET', `${server.url}/iceberg/v1/namespaces`, undefined, bearer(token));
      assert.equal(r.status, 401, what);
      assert.match(r.headers.get('www-authenticate') ?? '', /invalid_token/, what);
    }
  });
});
