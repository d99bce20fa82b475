import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMavenTests, type MavenTestRun } from './support/clients/index.ts';
import { TEAM_AUTH, tokenFor } from './support/auth.ts';
import { startNessie } from './support/nessie.ts';
import { startTestServer } from './support/server.ts';

const PROJECT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'java', 'nessie-client');

/**
 * Project Nessie's own Java client (`org.projectnessie.nessie:nessie-client` 0.110.0) against `/api/v2`: the scenarios
 * of test/java/nessie-client (references, commits, content, log, diff, merge and transplant, conflicts, detached reads,
 * namespaces) run against Ratatouille and, beside it, against Project Nessie 0.99 itself, which shows the scenarios
 * are right. RAT_SKIP_NESSIE=1 skips the Nessie side, as in the differential lane. A third lane runs the client's
 * auth scenarios (NessieAuthScenariosTest) against Ratatouille with an auth config: bearer tokens from its token
 * endpoint, 401 without one, 403 for a reader's write.
 */
interface LaneServer {
  api: string;
  /** Extra system properties for the scenarios (the auth lane's tokens). */
  properties?: Record<string, string>;
  stop(): Promise<void>;
}

function lane(kind: string, testClass: string, minCases: number, start: () => Promise<LaneServer>) {
  describe(`Nessie Java client against ${kind}`, function () {
    let server: LaneServer | undefined;
    let buildDir: string;
    let run: MavenTestRun;

    before(async function () {
      this.timeout(1_200_000);
      server = await start();
      buildDir = mkdtempSync(path.join(os.tmpdir(), 'rat-nessie-client-'));
      // surefire's `test` picks the scenario class of this lane.
      run = await runMavenTests(PROJECT, { 'nessie.uri': server.api, test: testClass, ...server.properties }, buildDir);
    });

    after(async function () {
      this.timeout(60_000);
      await server?.stop();
      if (buildDir) rmSync(buildDir, { recursive: true, force: true });
    });

    it('every scenario passes', () => {
      const failed = run.cases.filter((c) => c.status !== 'passed').map((c) => `  ${c.name}: ${c.message ?? c.status}`);
      assert.equal(failed.join('\n'), '', `${failed.length} of ${run.cases.length} scenarios failed`);
      assert.ok(run.cases.length >= minCases, `${run.cases.length} scenarios ran`);
    });
  });
}

const SCENARIOS = 'NessieClientScenariosTest';

lane('Ratatouille', SCENARIOS, 20, async () => {
  const s = await startTestServer();
  return { api: `${s.url}/api/v2`, stop: () => s.stop() };
});

if (process.env['RAT_SKIP_NESSIE'] !== '1') {
  lane('Project Nessie 0.99', SCENARIOS, 20, async () => {
    const n = await startNessie();
    return { api: n.apiUrl, stop: () => n.stop() };
  });
}

lane('Ratatouille with auth (BearerAuthenticationProvider)', 'NessieAuthScenariosTest', 5, async () => {
  const s = await startTestServer({ auth: TEAM_AUTH });
  return {
    api: `${s.url}/api/v2`,
    // The team config's `etl` writes anywhere but protected `main`; `bi` only reads.
    properties: {
      'nessie.token.writer': await tokenFor(s.url, 'etl'),
      'nessie.token.reader': await tokenFor(s.url, 'bi'),
    },
    stop: () => s.stop(),
  };
});
