import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagementClient } from '@ratatouille/catalog-client';
import { loadProject, openEngine, runPipeline } from '@ratatouille/engine';
import { startTestServer, type TestServer } from './support/server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The engine's own `_rat.*` tables are appended to by every run: runs on two branches must merge them (both runs
 * recorded), while the pipeline tables both runs rebuilt (overwrites) conflict and need FORCE or DROP.
 */
describe('merging branches the engine ran on: its _rat tables merge', function () {
  this.timeout(600_000);
  let server: TestServer;
  let mgmt: ManagementClient;
  let dir: string;

  const runs = async (branch: string) => {
    const eng = await openEngine({ server: server.url, branch });
    try {
      return (await eng.query('SELECT run_id FROM _rat.runs ORDER BY run_id')).map((r) => String(r.run_id));
    } finally {
      await eng.close();
    }
  };

  before(async () => {
    server = await startTestServer();
    mgmt = new ManagementClient({ server: server.url });
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-merge-engine-'));
    cpSync(path.join(root, 'examples', 'shop'), dir, { recursive: true });
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs on two branches; both runs are in _rat.runs on main after merging both', async () => {
    const run = async (branch: string) => {
      const report = await runPipeline({
        project: loadProject(dir),
        server: server.url,
        branch,
        selector: '+silver.products',
      });
      assert.equal(report.status, 'success', JSON.stringify(report.error));
      return report.runId;
    };
    const first = await run('main');
    const main = await mgmt.getReference('main');
    await mgmt.createReference('x', 'BRANCH', main);
    await mgmt.createReference('y', 'BRANCH', main);
    const [rx, ry] = [await run('x'), await run('y')];

    const mx = await mgmt.merge('main', (await mgmt.getReference('main')).hash, await mgmt.getReference('x'));
    assert.equal(mx.wasSuccessful, true);
    const y = await mgmt.getReference('y');
    const tried = await mgmt.merge('main', (await mgmt.getReference('main')).hash, y, { returnConflictAsResult: true });
    const outcome = new Map(tried.details.map((d) => [d.key.elements.join('.'), d]));
    assert.equal(outcome.get('_rat.runs')?.outcome, 'RESOLVED', JSON.stringify(outcome.get('_rat.runs')));
    // The engine's own tables never conflict. Derived tables may (the engine rebuilds those on a git merge); with
    // no-op writes, identical results on both branches write nothing and merge cleanly.
    const conflicted = tried.details.filter((d) => d.outcome === 'CONFLICT').map((d) => d.key.elements.join('.'));
    assert.ok(
      conflicted.every((k) => !k.startsWith('_rat.')),
      conflicted.join(', '),
    );
    if (conflicted.length > 0) {
      const forced = await mgmt.merge('main', (await mgmt.getReference('main')).hash, y, {
        keyMergeModes: conflicted.map((k) => ({ key: { elements: k.split('.') }, mergeBehavior: 'FORCE' as const })),
      });
      assert.equal(forced.wasSuccessful, true);
    } else {
      assert.equal(tried.wasApplied, true);
    }
    assert.deepEqual(await runs('main'), [first, rx, ry].sort());
  });
});
