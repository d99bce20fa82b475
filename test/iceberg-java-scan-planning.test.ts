import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runMavenTests, startRecordingProxy, type MavenTestRun, type RecordingProxy } from './support/clients/index.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const PROJECT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'java', 'catalog-suites');
const CLASS = 'ScanPlanningTest';
const SOURCE = path.join(PROJECT, 'src', 'test', 'java', 'dev', 'ratatouille', 'suites', `${CLASS}.java`);

/** Every case of the Java class, from its source: a case that did not run (say, its setup failed) fails here too. */
const CASES = [...readFileSync(SOURCE, 'utf8').matchAll(/@Test\s+void (\w+)\(/g)].map((m) => m[1]);

/**
 * Server-side scan planning (`POST .../plan`, `POST .../tasks`) through the Java client of Iceberg 1.11: its
 * `RESTCatalog` with `scan-planning-mode=server` plans each scan on the server, and every plan is compared with the
 * client's own planning of the same scan (test/java/catalog-suites, class ScanPlanningTest; run on its own with
 * `-Drat.suites=ScanPlanningTest`, and left out of the catalog suites' run by its name). The tables are built
 * without data files: unpartitioned with stats of every primitive kind, partitioned by day/identity/bucket with
 * position and equality deletes across sequence numbers, an evolved partition spec, and equality deletes with column
 * stats that rule them out for some data files. The server may return extra files but never miss one, and must
 * describe common files (partition, counts, attached deletes, stats) the same; each task's residual filter, as the
 * server wrote it, must be equivalent to the client's for that file. The report counts, per case, the files whose
 * delete sets or residuals differ (all zero when every case passes).
 * The Java client never asks the server for an incremental scan, so those cases send `start-snapshot-id` (exclusive)
 * and `end-snapshot-id` themselves with Iceberg's request and response classes. The Java requests go through a
 * recording proxy, to check that planning really happened on the server.
 */
describe('Server-side scan planning through the Java RESTCatalog', function () {
  let server: TestServer;
  let proxy: RecordingProxy;
  let buildDir: string;
  let run: MavenTestRun;
  let report = '';

  before(async function () {
    this.timeout(1_200_000);
    server = await startTestServer();
    proxy = await startRecordingProxy(server.url);
    buildDir = mkdtempSync(path.join(os.tmpdir(), 'rat-scan-planning-'));
    const reportFile = path.join(buildDir, 'scan-planning-report.txt');
    run = await runMavenTests(
      PROJECT,
      {
        'rat.url': proxy.url,
        'rat.warehouse': pathToFileURL(path.join(server.dataDir, 'warehouse')).href,
        'rat.suites': CLASS,
        'rat.scan.report': reportFile,
      },
      buildDir,
    );
    if (existsSync(reportFile)) report = readFileSync(reportFile, 'utf8');
    // Files planned per case by the client (the reference) and by the server, and the server's extra files: legal
    // but worth seeing.
    if (report) console.log(report.replace(/^/gm, '      ').trimEnd());
  });

  after(async () => {
    await proxy?.close();
    await server?.stop();
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  it('runs only the scan-planning class, every case of it', () => {
    assert.ok(CASES.length >= 40, `${CASES.length} cases found in ${SOURCE}`);
    const classes = new Set(run.cases.map((c) => c.className));
    assert.deepEqual([...classes], [`dev.ratatouille.suites.${CLASS}`], `classes run:\n${run.outputTail}`);
    const ran = new Set(run.cases.map((c) => c.name));
    assert.deepEqual(
      CASES.filter((name) => !ran.has(name)),
      [],
      'cases that did not run',
    );
  });

  for (const name of CASES) {
    it(name, () => {
      const c = run.cases.find((x) => x.name === name);
      assert.ok(c, `${name} did not run`);
      assert.equal(c.status, 'passed', `${name}: ${c.message ?? ''}`);
    });
  }

  it("the Java client's scans were planned by the server: POST .../plan requests, none answered with a 5xx", () => {
    const plans = proxy.exchanges.filter(
      (e) => e.method === 'POST' && /\/namespaces\/[^/]+\/tables\/[^/]+\/plan(\?|$)/.test(e.url),
    );
    // One per comparison case (the incremental ones send theirs directly); the three harness cases send none.
    assert.ok(plans.length >= CASES.length - 3, `${plans.length} plan requests`);
    assert.ok(
      plans.every((e) => e.status === 200),
      `plan requests not answered with 200: ${JSON.stringify(plans.filter((e) => e.status !== 200).slice(0, 3))}`,
    );
    assert.deepEqual(proxy.failures(), []);
  });
});
