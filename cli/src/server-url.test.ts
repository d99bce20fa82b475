import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envWithServer, explicitServer, resolveServer } from './server-url.ts';

describe('which server a command talks to', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-server-url-'));
    writeFileSync(path.join(dir, 'rat.yaml'), 'catalog:\n  url: "http://from-yaml:1"\n');
    mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('flag > RAT_SERVER > rat.yaml (found upward) > default', () => {
    const deep = path.join(dir, 'sub', 'deeper');
    assert.equal(resolveServer('http://flag:1/', { RAT_SERVER: 'http://env:1' }, deep), 'http://flag:1');
    assert.equal(resolveServer(undefined, { RAT_SERVER: 'http://env:1' }, deep), 'http://env:1');
    assert.equal(resolveServer(undefined, {}, deep), 'http://from-yaml:1');
    assert.equal(resolveServer(undefined, {}, os.tmpdir()), 'http://127.0.0.1:8181');
  });

  it('reads the deprecated RAT_CATALOG_URL when RAT_SERVER is unset', () => {
    assert.equal(explicitServer(undefined, { RAT_CATALOG_URL: 'http://old:1' }), 'http://old:1');
    assert.equal(
      explicitServer(undefined, { RAT_CATALOG_URL: 'http://old:1', RAT_SERVER: 'http://new:1' }),
      'http://new:1',
    );
  });

  it('refuses a URL without a scheme or with an API path, naming where it came from and the root to use', () => {
    assert.throws(
      () => explicitServer('127.0.0.1:18604', {}),
      /^InvalidServerUrlError: --server "127\.0\.0\.1:18604" has no http:\/\/ or https:\/\/ scheme: use http:\/\/127\.0\.0\.1:18604\.$/,
    );
    assert.throws(
      () => resolveServer(undefined, { RAT_SERVER: 'http://h:1/iceberg/main' }, dir),
      /^InvalidServerUrlError: RAT_SERVER "http:\/\/h:1\/iceberg\/main" is the Iceberg REST URI.*: use http:\/\/h:1\.$/,
    );
    assert.throws(() => explicitServer('http://h:1/api/v2', {}), /management API path \/api\/v2.*use http:\/\/h:1\.$/);
    // A reverse proxy may serve the catalog below a path of its own.
    assert.equal(explicitServer('https://proxy/rat/', {}), 'https://proxy/rat');
  });

  it('a rat.yaml that does not parse is an error, not a silent fall back to the default server', () => {
    const bad = mkdtempSync(path.join(os.tmpdir(), 'rat-server-url-'));
    try {
      writeFileSync(path.join(bad, 'rat.yaml'), 'catalog:\n  url: "h:1"\n');
      assert.throws(() => resolveServer(undefined, {}, bad), /Edit "catalog\.url" in .*rat\.yaml/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('hands --server to the lockstep code as RAT_SERVER', () => {
    assert.equal(envWithServer('http://flag:1', {})['RAT_SERVER'], 'http://flag:1');
    assert.deepEqual(envWithServer(undefined, { A: '1' }), { A: '1' });
  });
});
