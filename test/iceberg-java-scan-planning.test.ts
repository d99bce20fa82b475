import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runMavenTests, startRecordingProxy, type MavenTestRun, type RecordingProxy } from './support/clients/index.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const PROJECT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'java', 'catalog-suites');
/** The surefire include pattern (`-Drat.suites`) of the scan-planning classes, split by what they check. */
const SUITES = 'ScanPlanning*Test';
const SOURCES = path.join(PROJECT, 'src', 'test', 'java', 'dev', 'ratatouille', 'suites');
const SUITE_FILE = new RegExp(`^${SUITES.replace('*', '\\w*')}\\.java$`);

/**
 * Every case of the Java classes, with its class, from their sources: a case that did not run (say, its setup failed)
 * fails here too.
 */
const CASES = readdirSync(SOURCES)
  .filter((file) => SUITE_FILE.test(file))
  .flatMap((file) =>
    [...readFileSync(path.join(SOURCES, file), 'utf8').matchAll(/@Test\s+void (\w+)\(/g)].map((m) => ({
      className: `dev.ratatouille.suites.${file.replace(/\.java$/, '')}`,
      name: m[1],
    })),
  );

/**
 * Server-side scan planning (`POST .../plan`, `POST .../tasks`) through the Java client of Iceberg 1.11: its
 * `RESTCatalog` with `scan-planning-mode=server` plans each scan on the server, and every plan is compared with the
 * client's own planning of the same scan (test/java/catalog-suites, classes ScanPlanning*Test, one JVM run of them
 * all with `-Drat.suites=ScanPlanning*Test`, left out of the catalog suites' run by their names). The tables are built
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
        'rat.suites': SUITES,
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

  it('runs only the scan-planning classes, every case of them', () => {
    assert.ok(CASES.length >= 40, `${CASES.length} cases found in ${SOURCES}`);
    const classes = [...new Set(run.cases.map((c) => c.className))].sort();
    const expected = [...new Set(CASES.map((c) => c.className))].sort();
    assert.deepEqual(classes, expected, `classes run:\n${run.outputTail}`);
    const ran = new Set(run.cases.map((c) => `${c.className}#${c.name}`));
    assert.deepEqual(
      CASES.filter((c) => !ran.has(`${c.className}#${c.name}`)).map((c) => c.name),
      [],
      'cases that did not run',
    );
  });

  for (const { className, name } of CASES) {
    it(name, () => {
      const c = run.cases.find((x) => x.className === className && x.name === name);
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
