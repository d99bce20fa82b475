/**
 * `rat diff <from>` in a real git repository against a real server: like `git diff main`, it compares `from` with the
 * data of the checkout (the data branch of the checked-out git branch), not with the server's default branch.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { runRat } from './support/rat-cli.ts';

describe('rat diff <from> compares with the checked-out data branch (real binary)', function () {
  this.timeout(600_000);
  let server: TestServer;
  let repo: string;
  const rat = (args: string[], cwd = repo) => runRat(cwd, args, { RAT_SERVER: '' });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, encoding: 'utf8' });

  /** Commits a table `db.orders` on `branch` through the management API. */
  async function putTable(branch: string): Promise<void> {
    const api = (p: string) => `${server.url}/api/v2${p}`;
    const head = (await http('GET', api(`/trees/${encodeURIComponent(branch)}`))).body.reference.hash as string;
    const res = await http('POST', api(`/trees/${encodeURIComponent(branch)}@${head}/history/commit`), {
      commitMeta: { message: 'put db.orders' },
      operations: [
        { type: 'PUT', key: { elements: ['db'] }, content: { type: 'NAMESPACE', elements: ['db'] } },
        {
          type: 'PUT',
          key: { elements: ['db', 'orders'] },
          content: {
            type: 'ICEBERG_TABLE',
            metadataLocation: 's3://w/db/orders.json',
            snapshotId: 1,
            schemaId: 0,
            specId: 0,
            sortOrderId: 0,
          },
        },
      ],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }

  before(async () => {
    server = await startTestServer();
    repo = mkdtempSync(path.join(os.tmpdir(), 'rat-diff-'));
    git('init', '-q', '-b', 'main');
    git('commit', '-q', '--allow-empty', '-m', 'c');
    const init = await rat(['init', '--server', server.url, '--no-hooks']);
    assert.equal(init.code, 0, init.out);
    git('checkout', '-q', '-b', 'feature/x');
    const sync = await rat(['sync']);
    assert.equal(sync.code, 0, sync.out);
    await putTable('feature/x');
  });
  after(async () => {
    await server?.stop();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('on a feature branch, rat diff main lists what the feature data branch added', async () => {
    const r = await rat(['diff', 'main']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.stdout, /^A {2}db\.orders {2}\(ICEBERG_TABLE\)$/m);
    const json = await rat(['diff', 'main', '--json']);
    assert.deepEqual(
      (JSON.parse(json.stdout) as { key: { elements: string[] } }[]).map((d) => d.key.elements.join('.')).sort(),
      ['db', 'db.orders'],
    );
  });

  it('on main, and with both refs given, it compares what it is told', async () => {
    git('checkout', '-q', 'main');
    const same = await rat(['diff', 'main']);
    assert.equal(same.stdout.trim(), 'No differences between main and main.');
    const explicit = await rat(['diff', 'main', 'feature/x']);
    assert.match(explicit.stdout, /^A {2}db\.orders/m);
  });

  it('outside a git repository it compares with the server default branch, as its help says', async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'rat-diff-out-'));
    try {
      const r = await rat(['diff', 'feature/x', '--server', server.url], outside);
      assert.equal(r.code, 0, r.out);
      assert.match(r.stdout, /^D {2}db\.orders/m);
      const help = await rat(['diff', '--help'], outside);
      assert.match(help.stdout, /`to` defaults to the data branch of the checked-out git branch/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
