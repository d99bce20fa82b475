import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMavenTests, type MavenTestRun } from './support/clients/index.ts';
import { startNessie } from './support/nessie.ts';
import { startTestServer } from './support/server.ts';

const PROJECT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'java', 'nessie-client');

/**
 * Project Nessie's own Java client (`org.projectnessie.nessie:nessie-client` 0.110.0) against `/api/v2`: the scenarios
 * of test/java/nessie-client (references, commits, content, log, diff, merge and transplant, conflicts, detached reads,
 * namespaces) run against Ratatouille and, beside it, against Project Nessie 0.99 itself, which shows the scenarios
 * are right. RAT_SKIP_NESSIE=1 skips the Nessie side, as in the differential lane.
 */
function lane(kind: string, start: () => Promise<{ api: string; stop(): Promise<void> }>) {
  describe(`Nessie Java client against ${kind}`, function () {
    let server: { api: string; stop(): Promise<void> } | undefined;
    let buildDir: string;
    let run: MavenTestRun;

    before(async function () {
      this.timeout(1_200_000);
      server = await start();
      buildDir = mkdtempSync(path.join(os.tmpdir(), 'rat-nessie-client-'));
      run = await runMavenTests(PROJECT, { 'nessie.uri': server.api }, buildDir);
    });

    after(async function () {
      this.timeout(60_000);
      await server?.stop();
      if (buildDir) rmSync(buildDir, { recursive: true, force: true });
    });

    it('every scenario passes', () => {
      const failed = run.cases.filter((c) => c.status !== 'passed').map((c) => `  ${c.name}: ${c.message ?? c.status}`);
      assert.equal(failed.join('\n'), '', `${failed.length} of ${run.cases.length} scenarios failed`);
      assert.ok(run.cases.length >= 20, `${run.cases.length} scenarios ran`);
    });
  });
}

lane('Ratatouille', async () => {
  const s = await startTestServer();
  return { api: `${s.url}/api/v2`, stop: () => s.stop() };
});

if (process.env['RAT_SKIP_NESSIE'] !== '1') {
  lane('Project Nessie 0.99', async () => {
    const n = await startNessie();
    return { api: n.apiUrl, stop: () => n.stop() };
  });
}
