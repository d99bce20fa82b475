/**
 * How `rat` treats a server URL it cannot use (no scheme, the Iceberg URI, the API path) and a rat.yaml with a wrong
 * value, run as the real binary in a real git repository against a real server: each message names the URL or field
 * and the fix, and `rat init --server` repairs a rat.yaml an older rat wrote with a bad URL.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { startTestServer, type TestServer } from './support/server.ts';
import { runRat } from './support/rat-cli.ts';

describe('rat with a wrong server URL or rat.yaml value (real binary)', function () {
  this.timeout(600_000);
  let server: TestServer;
  const dirs: string[] = [];
  let hostPort: string;

  /** A git repository with one commit and no rat.yaml. */
  function repo(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-server-url-'));
    dirs.push(dir);
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'c'], {
      cwd: dir,
    });
    return dir;
  }
  const urlIn = (dir: string) =>
    (yaml.load(readFileSync(path.join(dir, 'rat.yaml'), 'utf8')) as { catalog: { url: string } }).catalog.url;

  before(async () => {
    server = await startTestServer();
    hostPort = new URL(server.url).host;
  });
  after(async () => {
    await server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('rat init --server without http:// writes nothing and says to add it', async () => {
    const dir = repo();
    const r = await runRat(dir, ['init', '--server', hostPort, '--no-hooks'], { RAT_SERVER: '' });
    assert.equal(r.code, 1, r.out);
    assert.equal(
      r.out.trim(),
      `rat: --server "${hostPort}" has no http:// or https:// scheme: use http://${hostPort}.`,
    );
    assert.equal(existsSync(path.join(dir, 'rat.yaml')), false);
  });

  it('a rat.yaml with a bad catalog.url says to edit it, and rat init --server repairs it', async () => {
    const dir = repo();
    const file = path.join(dir, 'rat.yaml');
    writeFileSync(file, `# ours\ncatalog:\n  url: "${hostPort}"\npipelines: pl\n`);
    const status = await runRat(dir, ['status'], { RAT_SERVER: '' });
    assert.equal(status.code, 1, status.out);
    assert.match(
      status.out,
      new RegExp(
        `Edit "catalog\\.url" in ${file.replace(/[.]/g, '\\.')}, or run \`rat init --server http://${hostPort}\``,
      ),
    );
    const init = await runRat(dir, ['init', '--server', server.url, '--no-hooks'], { RAT_SERVER: '' });
    assert.equal(init.code, 0, init.out);
    assert.match(init.out, new RegExp(`catalog\\.url changed: ${hostPort} → ${server.url}`));
    assert.equal(urlIn(dir), server.url);
    assert.match(readFileSync(file, 'utf8'), /^# ours\n[^]*pipelines: pl\n$/);
    const after = await runRat(dir, ['status'], { RAT_SERVER: '' });
    assert.equal(after.code, 0, after.out);
  });

  it('any other wrong value names the field and the file to edit', async () => {
    const dir = repo();
    const file = path.join(dir, 'rat.yaml');
    writeFileSync(file, `catalog:\n  url: "${server.url}"\non_existing: maybe\n`);
    for (const args of [['status'], ['sync'], ['branch', 'list']]) {
      const r = await runRat(dir, args, { RAT_SERVER: '' });
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}`);
      assert.equal(
        r.out.trim(),
        `rat: Project config ${file}: "on_existing" must be "reuse", "reset" or "fail". Edit "on_existing" in ${file}.`,
        args.join(' '),
      );
    }
  });

  it('the Iceberg URI or the API path instead of the server root is named, with the root to use', async () => {
    const dir = repo();
    const init = await runRat(dir, ['init', '--server', server.url, '--no-hooks'], { RAT_SERVER: '' });
    assert.equal(init.code, 0, init.out);
    for (const bad of [`${server.url}/iceberg`, `${server.url}/iceberg/main`, `${server.url}/api/v2`]) {
      for (const args of [['branch', 'list'], ['status'], ['sync'], ['log']]) {
        const r = await runRat(dir, args, { RAT_SERVER: bad });
        assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}`);
        assert.match(
          r.out,
          new RegExp(`^rat: RAT_SERVER "${bad}" is .*not the server root.*: use ${server.url}\\.$`, 'm'),
        );
      }
    }
    const reinit = await runRat(dir, ['init', '--server', `${server.url}/iceberg/main`, '--no-hooks'], {
      RAT_SERVER: '',
    });
    assert.equal(reinit.code, 1, reinit.out);
    assert.match(reinit.out, /--server ".*\/iceberg\/main" is the Iceberg REST URI/);
    assert.equal(urlIn(dir), server.url);
    const noScheme = await runRat(dir, ['branch', 'list'], { RAT_SERVER: hostPort });
    assert.equal(noScheme.code, 1, noScheme.out);
    assert.equal(
      noScheme.out.trim(),
      `rat: RAT_SERVER "${hostPort}" has no http:// or https:// scheme: use http://${hostPort}.`,
    );
  });
});
