import assert from 'node:assert/strict';
import { AuthConfigError, parseAuthConfig } from './config.ts';
import { refGlob } from './ref-glob.ts';
import { hashSecret, secretMatches } from './secret.ts';
import { isLoopbackHost } from './loopback.ts';

const HASH = hashSecret('s3cret');

describe('auth config', () => {
  it('reads the documented YAML shape with defaults', () => {
    const c = parseAuthConfig(`
clients:
  - { id: etl, secret-sha256: "${HASH}", roles: [writer] }
oidc: { issuer: "https://idp.example/realms/data", audience: ratatouille, roles-claim: groups }
roles:
  writer: [{ refs: ["*"], allow: [read, write] }]
protected: [main]
`);
    assert.equal(c.clients[0]!.id, 'etl');
    assert.equal(c.oidc!['roles-claim'], 'groups');
    assert.equal(c.oidc!['principal-claim'], 'sub');
    assert.equal(c['token-ttl-seconds'], 3600);
    assert.equal(c['session-max-seconds'], 86_400);
    assert.equal(parseAuthConfig('session-max-seconds: 7200')['session-max-seconds'], 7200);
    assert.throws(
      () => parseAuthConfig('token-ttl-seconds: 7200\nsession-max-seconds: 3600'),
      /session-max-seconds: must be at least token-ttl-seconds/,
    );
    assert.deepEqual(c.protected, ['main']);
  });

  it('refuses plain secrets, unknown keys, undefined roles and bad YAML with AuthConfigError', () => {
    const bad = [
      'clients: [{ id: etl, secret: hunter2, roles: [] }]',
      `clients: [{ id: etl, secret-sha256: "${HASH}", roles: [ghost] }]`,
      `clients: [{ id: a, secret-sha256: "${HASH}" }, { id: a, secret-sha256: "${HASH}" }]`,
      'roles: { r: [{ refs: ["*"], allow: [delete] }] }',
      'protectd: [main]',
      'session-max-seconds: 10',
      'session-max-seconds: 99999999',
      'token-ttl-seconds: 7200\nsession-max-seconds: 3600',
      'roles: [',
    ];
    for (const text of bad) assert.throws(() => parseAuthConfig(text), AuthConfigError, text);
  });
});

describe('ref globs, secrets and loopback addresses', () => {
  it('matches * across slashes and nothing else loosely', () => {
    assert.equal(refGlob('release/*').test('release/2026/q4'), true);
    assert.equal(refGlob('release/*').test('releases/1'), false);
    assert.equal(refGlob('main').test('main2'), false);
    assert.equal(refGlob('v1.?').test('v1.2'), true);
    assert.equal(refGlob('v1.?').test('v1x2'), false);
  });

  it('compares secrets with their stored hash', () => {
    assert.equal(secretMatches('s3cret', HASH), true);
    assert.equal(secretMatches('s3cret', HASH.toUpperCase()), true);
    assert.equal(secretMatches('S3cret', HASH), false);
  });

  it('knows which bind addresses are loopback', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '']) assert.equal(isLoopbackHost(h), false, h);
  });
});
