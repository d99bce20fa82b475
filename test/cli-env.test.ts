/**
 * `rat init --server URL` in a fresh git repository, then `rat env` in every format, each used as printed by the real
 * client (test/clients/rat_env.py): the `.pyiceberg.yaml` by PyIceberg, the DuckDB statements by DuckDB, the
 * `--conf` flags by Spark. An unknown warehouse name is refused rather than taken for the default one.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { runRat } from './support/rat-cli.ts';
import {
  runClientScript,
  sparkClientSetup,
  stepRaised,
  stepValue,
  type ClientRunResult,
} from './support/clients/index.ts';

describe('rat init --server and rat env outputs, used by PyIceberg, DuckDB and Spark', function () {
  this.timeout(600_000);
  let server: TestServer;
  let repo: string;
  let result: ClientRunResult;
  const env = (format: string) => runRat(repo, ['env', '--format', format], { RAT_SERVER: '' });

  before(async () => {
    const spark = await sparkClientSetup();
    server = await startTestServer();
    repo = mkdtempSync(path.join(os.tmpdir(), 'rat-env-'));
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
    const init = await runRat(repo, ['init', '--server', server.url, '--no-hooks'], { RAT_SERVER: '' });
    assert.equal(init.code, 0, init.out);
    const outputs: Record<string, string> = {};
    for (const format of ['yaml', 'duckdb', 'spark']) {
      const r = await env(format);
      assert.equal(r.code, 0, r.out);
      outputs[format] = r.stdout;
    }
    result = await runClientScript(
      'rat_env.py',
      { ...outputs, uri: `${server.url}/iceberg/main`, sparkJar: spark.sparkJar },
      { env: spark.env },
    );
  });
  after(async () => {
    await server?.stop();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('rat init --server writes the URL into rat.yaml', () => {
    const cfg = yaml.load(readFileSync(path.join(repo, 'rat.yaml'), 'utf8')) as { catalog: { url: string } };
    assert.equal(cfg.catalog.url, server.url);
  });

  it('--format yaml is a .pyiceberg.yaml PyIceberg loads', () => {
    assert.deepEqual(stepValue(result, 'PyIceberg with the printed .pyiceberg.yaml'), [1, 2]);
  });

  it('--format duckdb attaches with DuckDB; an unknown warehouse name is refused (400)', async () => {
    assert.deepEqual(stepValue(result, 'DuckDB with the printed statements'), [1, 2]);
    assert.ok(stepRaised(result, 'DuckDB attaching an unknown warehouse'));
    const r = await http('GET', `${server.url}/iceberg/main/v1/config?warehouse=no_such_warehouse`);
    assert.equal(r.status, 400);
    assert.equal(r.body.error.type, 'BadRequestException');
  });

  it('--format spark is complete: Spark starts from the flags alone, Iceberg SQL extensions included', () => {
    assert.deepEqual(stepValue(result, 'Spark with the printed --conf flags'), [1, 2, 3]);
  });
});
