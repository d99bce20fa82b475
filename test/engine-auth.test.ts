/**
 * The engine against a catalog with auth on: it authenticates with RAT_CLIENT_ID/RAT_CLIENT_SECRET like every client
 * of ours, its run's commits record the client as author, and without credentials it is refused.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagementClient } from '@ratatouille/catalog-client';
import { loadProject, runPipeline } from '@ratatouille/engine';
import { startTestServer, type TestServer } from './support/server.ts';
import { SECRETS, TEAM_AUTH, useAuthEnv } from './support/auth.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('engine with auth on', function () {
  this.timeout(600_000);
  let server: TestServer;
  let dir: string;
  // The engine runs in this process and reads its credentials from the environment.
  const credentials = useAuthEnv();

  before(async () => {
    server = await startTestServer({ auth: TEAM_AUTH });
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-shop-auth-'));
    cpSync(path.join(root, 'examples', 'shop'), dir, { recursive: true });
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a pipeline on a branch with client credentials; the merge records the client', async () => {
    const etl = new ManagementClient({
      server: server.url,
      credentials: { clientId: 'etl', clientSecret: SECRETS.etl },
    });
    await etl.createReference('pipe', 'BRANCH', await etl.getReference('main'));
    credentials({ RAT_CLIENT_ID: 'etl', RAT_CLIENT_SECRET: SECRETS.etl });
    const report = await runPipeline({
      project: loadProject(dir),
      server: server.url,
      branch: 'pipe',
      selector: '+silver.products',
    });
    assert.equal(report.status, 'success');
    assert.deepEqual(
      report.steps.map((s) => [s.step, s.rows]),
      [
        ['bronze.products', 3],
        ['silver.products', 3],
      ],
    );
    const head = (await etl.log('pipe')).logEntries[0]!.commitMeta;
    assert.deepEqual(head.authors, ['etl']);
    assert.deepEqual(head.allProperties?.['rat.principal'], ['etl']);
  });

  it('is refused without credentials', async () => {
    credentials({});
    const run = runPipeline({
      project: loadProject(dir),
      server: server.url,
      branch: 'pipe',
      selector: '+silver.products',
    });
    const outcome = await run.then(
      (r) => r.status,
      (e: { status?: number }) => e.status,
    );
    assert.equal(outcome, 401);
  });
});
