/**
 * How `rat` reports failures, run as the real binary: a server that is down reads the same (URL and fix) from every
 * command, and with --json every error is one JSON object on stdout with a non-zero exit code; `rat status --json`
 * keeps one shape (nulls, not missing keys) in step, detached and without a data branch.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from './support/server.ts';
import { RAT_BIN, runRat } from './support/rat-cli.ts';

/** A URL where nothing listens: a port that was free a moment ago. */
async function deadServer(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

interface JsonError {
  error: { code: string; message: string; status: number | null; data: unknown };
}

/** The keys of an object and of its nested objects, as paths (`data.hash`). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...keyPaths(v, `${prefix}${k}.`)]);
}

describe('rat errors: one message for a server that is down, JSON with --json (real binary)', function () {
  this.timeout(600_000);
  let server: TestServer;
  let dead: string;
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'rat-errors-'));
    dirs.push(d);
    return d;
  };
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });
  const jsonOf = (r: { stdout: string; out: string }): JsonError => {
    let parsed: JsonError;
    try {
      parsed = JSON.parse(r.stdout) as JsonError;
    } catch {
      return assert.fail(`not JSON on stdout:\n${r.out}`);
    }
    assert.deepEqual(Object.keys(parsed.error).sort(), ['code', 'data', 'message', 'status'], r.stdout);
    return parsed;
  };

  before(async () => {
    server = await startTestServer();
    dead = await deadServer();
  });
  after(async () => {
    await server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('run, test, runs, status, sync and branch list say the same about a server that is down', async () => {
    const project = tmp();
    mkdirSync(path.join(project, 'bronze'));
    mkdirSync(path.join(project, 'landing', 'items'), { recursive: true });
    writeFileSync(path.join(project, 'landing', 'items', 'a.csv'), 'id\n1\n');
    writeFileSync(path.join(project, 'bronze', 'items.yml'), 'source:\n  path: landing/items/*.csv\n');
    const repo = tmp();
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'c');
    writeFileSync(path.join(repo, 'rat.yaml'), `catalog:\n  url: "${dead}"\n`);
    const expected =
      `rat: cannot reach the catalog server at ${dead} (ECONNREFUSED); start one with \`rat serve\`, ` +
      'or point --server or RAT_SERVER at it';
    const cases: [string, string[]][] = [
      [project, ['run']],
      [project, ['test']],
      [project, ['runs']],
      [repo, ['status']],
      [repo, ['sync']],
      [repo, ['branch', 'list']],
    ];
    for (const [cwd, args] of cases) {
      const plain = await runRat(cwd, [...args, ...(cwd === project ? ['--server', dead] : [])], { RAT_SERVER: '' });
      assert.equal(plain.code, 1, `${args.join(' ')}: ${plain.out}`);
      assert.equal(plain.out.trim().split('\n').pop(), expected, args.join(' '));
      const json = await runRat(cwd, [...args, '--json', ...(cwd === project ? ['--server', dead] : [])], {
        RAT_SERVER: '',
      });
      assert.equal(json.code, 1, `${args.join(' ')} --json: ${json.out}`);
      const { error } = jsonOf(json);
      assert.deepEqual([error.code, `rat: ${error.message}`], ['UNREACHABLE', expected], args.join(' '));
    }
  });

  it('with --json a refusal, a missing repository or a usage mistake is a JSON error on stdout', async () => {
    const s = ['--server', server.url];
    const outside = tmp();
    const cases: [string[], string, number][] = [
      [['status', '--json', ...s], 'NOT_A_GIT_REPOSITORY', 1],
      [['sync', '--json', ...s], 'NOT_A_GIT_REPOSITORY', 1],
      [['merge', 'nosuch', '--json', ...s], 'REFERENCE_NOT_FOUND', 1],
      [['branch', 'create', '--json', 'main', ...s], 'REFERENCE_ALREADY_EXISTS', 2],
      [['log', 'nosuch', '--json', ...s], 'REFERENCE_NOT_FOUND', 1],
      [['runs', '--json', '--no-such-option', ...s], 'USAGE', 1],
    ];
    for (const [args, code, exit] of cases) {
      const r = await runRat(outside, args, { RAT_SERVER: '' });
      assert.equal(r.code, exit, `${args.join(' ')}: ${r.out}`);
      assert.equal(jsonOf(r).error.code, code, args.join(' '));
    }
  });

  it('a numeric option that is not a number is refused, naming the option (and as JSON with --json)', async () => {
    const outside = tmp();
    for (const args of [
      ['sync', '--depth', 'abc'],
      ['sync', '--depth', '0'],
      ['log', '-n', 'x'],
      ['serve', '--manifest-cache-mb', '-5'],
      ['serve', '--manifest-cache-mb', '1.5'],
    ]) {
      const r = await runRat(outside, args, { RAT_SERVER: '' });
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}`);
      assert.match(r.out, /argument '.*' is invalid\. Give a whole number of at least [01]\./, args.join(' '));
      const json = await runRat(outside, [...args, '--json'], { RAT_SERVER: '' });
      assert.equal(json.code, 1, json.out);
      assert.equal(jsonOf(json).error.code, 'USAGE');
    }
  });

  it('rat status --json has the same keys in step, detached and without a data branch', async () => {
    const repo = tmp();
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'c');
    const init = await runRat(repo, ['init', '--server', server.url, '--no-hooks'], { RAT_SERVER: '' });
    assert.equal(init.code, 0, init.out);
    git(repo, 'add', 'rat.yaml');
    git(repo, 'commit', '-q', '-m', 'rat.yaml');
    const status = async (inStep: boolean) => {
      const r = await runRat(repo, ['status', '--json'], { RAT_SERVER: '' });
      assert.equal(r.code, inStep ? 0 : 1, r.out);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const synced = await runRat(repo, ['sync'], { RAT_SERVER: '' });
    assert.equal(synced.code, 0, synced.out);
    const inStep = await status(true);
    assert.notEqual(inStep['headLink'], null);
    git(repo, 'checkout', '-q', '--detach');
    const detached = await status(true);
    assert.equal(detached['codeBranch'], null);
    git(repo, 'checkout', '-q', '-b', 'feature/no-data');
    const noBranch = await status(false);
    assert.deepEqual([noBranch['dataBranchExists'], noBranch['dataHead']], [false, null]);
    // headLink is an object or null: compare the top level and the data resolution.
    const shape = (s: Record<string, unknown>) => keyPaths({ ...s, headLink: null });
    assert.deepEqual(shape(detached), shape(inStep));
    assert.deepEqual(shape(noBranch), shape(inStep));
  });

  it('a reader that closes the pipe early (rat … | head) ends the command quietly, with no stack trace', async () => {
    const child = spawn(process.execPath, [RAT_BIN, 'serve', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Nothing reads stdout: the pipe is closed before the help is written.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error/);
  });
});
