/**
 * `rat env --ref` against a real server, in a real git repository: a ref that does not exist is an error naming it,
 * and a tag or a pinned `branch@hash` (which the server refuses writes to) is reported read-only in every format.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManagementClient } from '@ratatouille/catalog-client';
import { startTestServer, type TestServer } from './support/server.ts';
import { runRat } from './support/rat-cli.ts';

describe('rat env --ref checks the ref and says when it is read-only (real binary)', function () {
  this.timeout(600_000);
  let server: TestServer;
  let repo: string;
  let head: string;
  const env = (args: string[]) => runRat(repo, ['env', ...args], { RAT_SERVER: '' });
  const readOnly = async (ref: string) => {
    const r = await env(['--ref', ref, '--format', 'json']);
    assert.equal(r.code, 0, r.out);
    return (JSON.parse(r.stdout) as { readOnly: boolean }).readOnly;
  };

  before(async () => {
    server = await startTestServer();
    repo = mkdtempSync(path.join(os.tmpdir(), 'rat-env-ref-'));
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
    const init = await runRat(repo, ['init', '--server', server.url, '--no-hooks'], { RAT_SERVER: '' });
    assert.equal(init.code, 0, init.out);
    const api = new ManagementClient({ server: server.url });
    const main = await api.getReference('main');
    head = main.hash;
    await api.createReference('v2', 'TAG', main);
  });
  after(async () => {
    await server?.stop();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('a ref that does not exist is an error naming it and the server, in text and --format json', async () => {
    const r = await env(['--ref', 'nosuch']);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, new RegExp(`^rat: data ref "nosuch" does not exist on ${server.url}: .*rat branch list`, 'm'));
    assert.equal(r.stdout, '');
  });

  it('a tag and a pinned branch@hash are read-only (DuckDB attaches READ_ONLY); a branch is not', async () => {
    assert.equal(await readOnly('v2'), true);
    assert.equal(await readOnly(`main@${head}`), true);
    assert.equal(await readOnly('main'), false);
    const duckdb = await env(['--ref', 'v2', '--format', 'duckdb']);
    assert.equal(duckdb.code, 0, duckdb.out);
    assert.match(duckdb.stdout, /ATTACH .*\/iceberg\/v2'.*READ_ONLY\);/);
    const sh = await env(['--ref', 'v2']);
    assert.match(sh.stdout, /^# data ref v2 \(read-only\)/);
  });
});
