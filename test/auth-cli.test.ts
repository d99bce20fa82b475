/**
 * The rat CLI's own credentials: `rat login` / `rat logout` against a server with auth on, and `rat auth hash-secret`
 * for writing an auth config. (How commands authenticate with environment variables is in auth-http.test.ts.)
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashSecret } from '@ratatouille/catalog-server';
import { startTestServer, type TestServer } from './support/server.ts';
import { SECRETS, TEAM_AUTH } from './support/auth.ts';
import { RAT_BIN } from './support/rat-cli.ts';
import { run } from './git-support.ts';

describe('auth: rat login, logout and hash-secret', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => (server = await startTestServer({ auth: TEAM_AUTH })));
  after(async () => server?.stop());

  it('rat login saves checked credentials outside the repository (mode 0600); commands use them; logout forgets', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rat-login-'));
    try {
      const env = { XDG_CONFIG_HOME: home, RAT_TOKEN: '', RAT_CLIENT_ID: '', RAT_CLIENT_SECRET: '' };
      const rat = (args: string[], input?: string) =>
        run(process.execPath, [RAT_BIN, ...args, '--server', server.url], { cwd: home, env, input });
      const wrong = await rat(['login', '--client-id', 'etl'], 'nope\n');
      assert.equal(wrong.code, 1, wrong.stderr);
      const file = path.join(home, 'ratatouille', 'credentials.json');
      assert.equal(existsSync(file), false, 'nothing saved for a wrong secret');
      const login = await rat(['login', '--client-id', 'etl'], `${SECRETS.etl}\n`);
      assert.equal(login.code, 0, login.stderr);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const created = await rat(['branch', 'create', 'by-login']);
      assert.equal(created.code, 0, created.stderr);
      assert.equal((await rat(['logout'])).code, 0);
      assert.equal((await rat(['branch', 'create', 'after-logout'])).code, 1);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('rat auth hash-secret prints the secret-sha256 of a secret on stdin, or of a new one with --generate', async () => {
    const hashed = await run(process.execPath, [RAT_BIN, 'auth', 'hash-secret'], {
      cwd: server.dataDir,
      input: `${SECRETS.etl}\n`,
    });
    assert.equal(hashed.code, 0, hashed.stderr);
    assert.equal(hashed.stdout.trim(), hashSecret(SECRETS.etl));
    const generated = await run(process.execPath, [RAT_BIN, 'auth', 'hash-secret', '--generate'], {
      cwd: server.dataDir,
    });
    const secret = /^secret: (\S+)$/m.exec(generated.stdout)?.[1];
    const hash = /^secret-sha256: ([0-9a-f]{64})$/m.exec(generated.stdout)?.[1];
    assert.ok(secret && hash, generated.stdout);
    assert.equal(hashSecret(secret), hash);
  });
});
