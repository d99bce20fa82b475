/**
 * The README's tour, run as a newcomer would on a server that is not on the default port: start `rat serve`, run the
 * `export RAT_SERVER=…` line it prints instead of the README's, then every other line of the tour as written. No other
 * environment variable is set: if a step needed one, the tour would fail here.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ManagementClient } from '@ratatouille/catalog-client';
import { RAT_BIN } from './support/rat-cli.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md');

/** The first ```sh block after `heading` in a Markdown text. */
function shellBlock(markdown: string, heading: string): string {
  const from = markdown.indexOf(heading);
  assert.ok(from >= 0, `README has no "${heading}"`);
  const m = /```sh\n([\s\S]*?)```/.exec(markdown.slice(from));
  assert.ok(m, `no sh block under "${heading}"`);
  return m[1];
}

describe('README tour on a server on another port, with only what rat serve prints', function () {
  this.timeout(600_000);
  let server: ServerProcess;
  let work: string;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RAT_')));

  before(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'rat-tour-'));
    server = await startServerProcess(['--data-dir', path.join(work, 'data')], { RAT_SERVER: '' });
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('runs every line of the tour and leaves what the comments say', async () => {
    // The lines after "listening on" may still be on their way.
    const exportLine = () => /^.*(export RAT_SERVER=\S+)$/m.exec(server.output())?.[1];
    for (let i = 0; i < 100 && !exportLine(); i++) await sleep(100);
    const printed = exportLine();
    assert.ok(printed, `rat serve did not print an export line:\n${server.output()}`);
    const lines = shellBlock(readFileSync(README, 'utf8'), '## Ten-line tour').split('\n');
    assert.ok(lines[0].startsWith('npm start &'), lines[0]);
    const exportAt = lines.findIndex((l) => l.startsWith('export RAT_SERVER='));
    assert.ok(exportAt > 0, 'the tour sets RAT_SERVER');
    lines[exportAt] = printed;
    // `npx rat` inside this repository runs its bin; here that is node on the same file.
    const script = [`npx() { shift; "${process.execPath}" "${RAT_BIN}" "$@"; }`, ...lines.slice(1)].join('\n');
    const run = promisify(execFile);
    const r = await run('bash', ['-e', '-c', script], { cwd: work, env: clean }).catch(
      (e: { stdout: string; stderr: string; code: number }) =>
        assert.fail(`tour failed (${e.code}):\n${e.stdout}${e.stderr}`),
    );
    assert.match(r.stdout, /^A {2}sales {2}\(NAMESPACE\)$/m);
    // rat branch -v after the merge: feature's change is on main, in main's merge commit, which feature lacks.
    assert.match(r.stdout, /^feature\s+[0-9a-f]{12} {2}\[behind 1\] /m);
    const api = new ManagementClient({ server: server.url });
    const names = (await api.listReferences()).map((x) => `${x.type} ${x.name}`).sort();
    assert.deepEqual(names, ['BRANCH feature', 'BRANCH main', 'TAG v1']);
    assert.match(r.stdout, new RegExp(`uri: ${server.url}/iceberg/main`));
  });
});
