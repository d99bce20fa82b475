/**
 * The `rat` messages a newcomer meets first, run as the real binary against a test server: a missing pipelines folder,
 * an invalid branch name, a SQL error in a model, and the `--json` outputs of `rat run`, `rat test` and `rat runs`,
 * plus `rat runs clean`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManagementClient } from '@ratatouille/catalog-client';
import { startTestServer, type TestServer } from './support/server.ts';
import { runRat } from './support/rat-cli.ts';

/** A folder with the given files (paths relative to it). */
function folder(files: Record<string, string>, dirs: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-newcomer-'));
  dirs.push(dir);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

const items = {
  'landing/items/a.csv': 'id,name\n1,apple\n2,pear\n',
  'bronze/items.yml': 'source:\n  path: landing/items/*.csv\n',
  'silver/items.sql':
    "/* ---\nmaterialized: table\ntests:\n  - not_null: name\n--- */\nSELECT id, upper(name) AS name FROM {{ ref('bronze.items') }}\n",
};

describe('rat newcomer messages and --json outputs (real binary)', function () {
  // Each `rat` run starts a fresh Node process (seconds on a loaded machine); this is a hang guard.
  this.timeout(600_000);
  let server: TestServer;
  let mgmt: ManagementClient;
  const dirs: string[] = [];
  const rat = (cwd: string, args: string[]) => runRat(cwd, [...args, '--server', server.url], { RAT_SERVER: '' });
  const json = <T>(r: { stdout: string; out: string }): T => {
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      assert.fail(`not JSON:\n${r.out}`);
    }
  };
  const branches = async () => (await mgmt.listReferences()).map((r) => r.name);

  before(async () => {
    server = await startTestServer();
    mgmt = new ManagementClient({ server: server.url });
  });
  after(async () => {
    await server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('rat run without a pipelines folder fails with NO_PIPELINES and commits nothing', async () => {
    const empty = folder({ 'README.md': 'nothing here yet\n' }, dirs);
    const before = await mgmt.getReference('main');
    const r = await rat(empty, ['run', '--json']);
    assert.equal(r.code, 1, r.out);
    assert.equal(json<{ error: { code: string } }>(r).error.code, 'NO_PIPELINES');
    const plain = await rat(empty, ['run']);
    assert.equal(plain.code, 1, plain.out);
    assert.equal((await mgmt.getReference('main')).hash, before.hash);
    assert.deepEqual(await branches(), ['main']);
  });

  it('the NO_PIPELINES advice names the rat.yaml field that rat reads, and following it finds the pipelines', async () => {
    const repo = folder({ 'pl/bronze/items.yml': items['bronze/items.yml'], 'rat.yaml': '' }, dirs);
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
    writeFileSync(path.join(repo, 'rat.yaml'), `catalog:\n  url: "${server.url}"\n`);
    const missing = await rat(repo, ['run', '--dry-run']);
    assert.equal(missing.code, 1, missing.out);
    const field = /or `(\w+):` in rat\.yaml\)/.exec(missing.out)?.[1];
    assert.ok(field, missing.out);
    writeFileSync(path.join(repo, 'rat.yaml'), `catalog:\n  url: "${server.url}"\n${field}: pl\n`);
    const found = await rat(repo, ['run', '--dry-run']);
    assert.equal(found.code, 0, found.out);
    assert.match(found.out, /bronze\.items/);
  });

  it('rat serve with a file where the data folder should be says so in one line and exits 1', async () => {
    const dir = folder({ 'taken.txt': 'a file\n' }, dirs);
    const r = await runRat(dir, ['serve', '--port', '0', '--data-dir', path.join(dir, 'taken.txt')]);
    assert.equal(r.code, 1, r.out);
    assert.equal(
      r.out.trim(),
      `rat: Cannot use ${path.join(dir, 'taken.txt')} as the data folder (a file is in the way): give another with ` +
        '--data-dir.',
    );
  });

  it('outside a git repository: rat init says so in one line; rat env gives main on the server named', async () => {
    const plain = folder({ 'README.md': 'not a repository\n' }, dirs);
    const init = await rat(plain, ['init']);
    assert.equal(init.code, 1, init.out);
    assert.doesNotMatch(init.out, /Usage:/);
    assert.equal(init.out.trim().split('\n').length, 1, init.out);
    const env = await rat(plain, ['env', '--format', 'json']);
    assert.equal(env.code, 0, env.out);
    assert.equal(json<{ uri: string }>(env).uri, `${server.url}/iceberg/main`);
  });

  it('rat init of a new repository on a server whose main already holds data says it now shares it; on an empty one it does not', async () => {
    const shared = await startTestServer();
    try {
      const init = (repo: string) => runRat(repo, ['init', '--server', shared.url], { RAT_SERVER: '' });
      const gitRepo = () => {
        const repo = folder({ 'README.md': 'a project\n' }, dirs);
        execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
        return repo;
      };
      const first = await init(gitRepo());
      assert.equal(first.code, 0, first.out);
      assert.doesNotMatch(first.out, /already holds data/);
      const ns = await fetch(`${shared.url}/iceberg/v1/namespaces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ namespace: ['other_project'] }),
      });
      assert.equal(ns.status, 200);
      const second = await init(gitRepo());
      assert.equal(second.code, 0, second.out);
      assert.match(
        second.out,
        /data branch "main" already holds data on this server \(newest commit: "[^"]*other_project[^"]*"\); this repository now shares it/,
      );
    } finally {
      await shared.stop();
    }
  });

  it('rat run --branch with an invalid name is refused by the server (400) before creating anything', async () => {
    const dir = folder(items, dirs);
    const r = await rat(dir, ['run', '--branch', 'bad..name', '--json']);
    assert.equal(r.code, 1, r.out);
    const { error } = json<{ error: { code: string; status: number } }>(r);
    assert.deepEqual([error.code, error.status], ['INVALID_REFERENCE_NAME', 400]);
    const plain = await rat(dir, ['run', '--branch', 'bad..name']);
    assert.equal(plain.code, 1, plain.out);
    assert.doesNotMatch(plain.out, /created from main/);
    assert.deepEqual(await branches(), ['main']);
  });

  it('rat run --json and rat test --json report structured outcomes; rat runs --json has nested values', async () => {
    const dir = folder(items, dirs);
    const planned = await rat(dir, ['run', '--dry-run', '--json']);
    assert.equal(planned.code, 0, planned.out);
    assert.deepEqual(
      json<{ steps: { id: string }[] }>(planned).steps.map((s) => s.id),
      ['bronze.items', 'silver.items'],
    );
    const ok = await rat(dir, ['run', '--json']);
    assert.equal(ok.code, 0, ok.out);
    const report = json<{ status: string; steps: { step: string; rows: number }[] }>(ok);
    assert.equal(report.status, 'success');
    assert.deepEqual(
      report.steps.map((s) => [s.step, s.rows]),
      [
        ['bronze.items', 2],
        ['silver.items', 2],
      ],
    );
    const tested = await rat(dir, ['test', '--json']);
    assert.equal(tested.code, 0, tested.out);
    const tests = json<{ status: string; tests: { model: string; passed: boolean }[] }>(tested);
    assert.deepEqual(
      tests.tests.map((t) => [t.model, t.passed]),
      [['silver.items', true]],
    );

    // A model whose fifth file line names a column that does not exist: the error points at that line.
    writeFileSync(
      path.join(dir, 'silver', 'broken.sql'),
      "-- materialized: table\n\nSELECT\n  id,\n  colour\nFROM {{ ref('bronze.items') }}\n",
    );
    const bad = await rat(dir, ['run', 'silver.broken', '--json']);
    assert.equal(bad.code, 1, bad.out);
    const failed = json<{
      status: string;
      error: { code: string; data: { file: string; line: number; column: number } };
    }>(bad);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error.code, 'MODEL_SQL_ERROR');
    assert.deepEqual(failed.error.data.file, path.join('silver', 'broken.sql'));
    assert.deepEqual([failed.error.data.line, failed.error.data.column], [5, 3]);

    const listed = await rat(dir, ['runs', '--json']);
    assert.equal(listed.code, 0, listed.out);
    const runs =
      json<{ status: string; failures: unknown; error: unknown; steps: unknown; startedAt: string; foundOn: string }[]>(
        listed,
      );
    assert.equal(runs.length, 2);
    for (const run of runs) {
      assert.ok(Array.isArray(run.failures) && Array.isArray(run.steps), JSON.stringify(run));
      assert.ok(!Number.isNaN(Date.parse(run.startedAt)), run.startedAt);
    }
    const kept = runs.find((x) => x.status === 'failed')!;
    assert.equal((kept.error as { code: string }).code, 'MODEL_SQL_ERROR');
    assert.match(kept.foundOn, /^rat-run-/);
  });

  it('rat runs clean deletes the kept run branches older than --older-than, and only lists them with --dry-run', async () => {
    const kept = (await branches()).filter((n) => n.startsWith('rat-run-'));
    assert.equal(kept.length, 1);
    const young = await rat(os.tmpdir(), ['runs', 'clean', '--older-than', '7d', '--json']);
    assert.equal(young.code, 0, young.out);
    assert.deepEqual(json<{ deleted: unknown[] }>(young).deleted, []);
    const dry = await rat(os.tmpdir(), ['runs', 'clean', '--older-than', '0', '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.out);
    assert.deepEqual(
      json<{ deleted: { name: string }[] }>(dry).deleted.map((d) => d.name),
      kept,
    );
    assert.deepEqual(
      (await branches()).filter((n) => n.startsWith('rat-run-')),
      kept,
    );
    const done = await rat(os.tmpdir(), ['runs', 'clean', '--older-than', '0']);
    assert.equal(done.code, 0, done.out);
    assert.deepEqual(await branches(), ['main']);
    const wrong = await rat(os.tmpdir(), ['runs', 'clean', '--older-than', 'soon']);
    assert.notEqual(wrong.code, 0, wrong.out);
  });

  it('runs.keepFailed in rat.yaml: each rat run deletes the failed-run branches older than that', async () => {
    const dir = folder(
      {
        ...items,
        'rat.yaml': `catalog:\n  url: ${server.url}\npipelines: .\nruns:\n  keepFailed: 7d\n`,
      },
      dirs,
    );
    for (const args of [
      ['init', '-q', '-b', 'main'],
      ['add', '.'],
      ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'items'],
    ]) {
      execFileSync('git', args, { cwd: dir });
    }
    const old = 'rat-run-20200101-000000-abcdef';
    await mgmt.createReference(old, 'BRANCH', await mgmt.getReference('main'));
    const r = await runRat(dir, ['run', '--json'], { RAT_SERVER: '' });
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(json<{ cleanedRunBranches: string[] }>(r).cleanedRunBranches, [old]);
    assert.deepEqual(await branches(), ['main']);
  });
});
