import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { ManagementClient, type Reference } from '@ratatouille/catalog-client';
import { loadProject, openEngine, runPipeline, RUN_BRANCH_PREFIX, type RunEvent } from '@ratatouille/engine';
import { startTestServer, type TestServer } from './support/server.ts';
import { countOnBranch } from './support/engine-queries.ts';
import { RAT_BIN, runRat as rat } from './support/rat-cli.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('engine: run transactions (merge commit properties, killed runs) and Excel ingest', function () {
  this.timeout(600_000);
  let server: TestServer;
  let mgmt: ManagementClient;
  const dirs: string[] = [];

  const shopCopy = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-shop-tx-'));
    dirs.push(dir);
    cpSync(path.join(root, 'examples', 'shop'), dir, { recursive: true });
    return dir;
  };

  const count = (branch: string, sqlText: string) => countOnBranch(server, branch, sqlText);

  before(async () => {
    server = await startTestServer();
    mgmt = new ManagementClient({ server: server.url });
  });
  after(async () => {
    await server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the merge commit of a run carries rat.run-id and rat.code-commit', async () => {
    const main = await mgmt.getReference('main');
    await mgmt.createReference('props', 'BRANCH', main);
    const sha = 'a'.repeat(40);
    const report = await runPipeline({
      project: loadProject(shopCopy()),
      server: server.url,
      branch: 'props',
      selector: '+silver.products',
      codeCommit: sha,
    });
    assert.equal(report.status, 'success');
    const { logEntries } = await mgmt.log('props');
    const head = logEntries[0]!.commitMeta;
    assert.deepEqual(head.allProperties?.['rat.run-id'], [report.runId]);
    assert.deepEqual(head.allProperties?.['rat.code-commit'], [sha]);
    assert.ok(head.parentCommitHashes.length >= 1);
    // The run branch is gone after a successful merge.
    assert.ok(!(await mgmt.listReferences()).some((r) => r.name === report.runBranch));
  });

  /** Commits on `ref` since `base` (first-parent log). */
  const commitsSince = async (ref: string, base: string) => {
    const { logEntries } = await mgmt.log(ref, { fetchAll: true });
    const i = logEntries.findIndex((e) => e.commitMeta.hash === base);
    return i < 0 ? logEntries.length : i;
  };

  it('--threads 2 builds independent models at once (own DuckDB each, memory budget shared); the target gets one merge commit', async () => {
    const main = await mgmt.getReference('main');
    const start = await mgmt.createReference('threads', 'BRANCH', main);
    const events: RunEvent[] = [];
    const report = await runPipeline({
      project: loadProject(shopCopy()),
      server: server.url,
      branch: 'threads',
      threads: 2,
      memoryLimit: '256MB',
      onEvent: (e) => events.push(e),
    });
    assert.equal(report.status, 'success', JSON.stringify([report.error, report.tests.filter((t) => !t.passed)]));
    // Two steps were under way together: a second step started before the first one ended.
    const firstEnd = events.findIndex((e) => e.type === 'step-end');
    assert.ok(events.slice(0, firstEnd).filter((e) => e.type === 'step-start').length >= 2, 'no two steps overlapped');
    const plan = events.find((e) => e.type === 'plan');
    assert.equal(report.steps.length, plan?.type === 'plan' ? plan.steps.length : -1);
    assert.equal(await commitsSince('threads', start.hash), 1, 'one merge commit on the target');
    const { logEntries } = await mgmt.log('threads');
    assert.deepEqual(logEntries[0]!.commitMeta.allProperties?.['rat.run-id'], [report.runId]);
    assert.equal(await count('threads', 'SELECT count(*) AS n FROM gold.daily_revenue'), 2);
    assert.equal(await count('threads', 'SELECT count(*) AS n FROM bronze.orders_rejected'), 1);

    // The same from the command line; a bad value is refused before anything runs.
    const start2 = await mgmt.createReference('threads-cli', 'BRANCH', main);
    const dir = shopCopy();
    const bad = await rat(dir, ['run', '--branch', 'threads-cli', '--server', server.url, '--threads', '0']);
    assert.notEqual(bad.code, 0);
    const badMem = await rat(dir, ['run', '--branch', 'threads-cli', '--server', server.url, '--memory-limit', 'lots']);
    assert.notEqual(badMem.code, 0);
    assert.equal((await mgmt.getReference('threads-cli')).hash, start2.hash);
    const r = await rat(dir, [
      'run',
      '--branch',
      'threads-cli',
      '--server',
      server.url,
      '--threads',
      '2',
      '--memory-limit',
      '256MB',
    ]);
    assert.equal(r.code, 0, r.out);
    assert.equal(await commitsSince('threads-cli', start2.hash), 1, 'one merge commit on the target');
    assert.equal(await count('threads-cli', 'SELECT count(*) AS n FROM gold.daily_revenue'), 2);
  });

  for (const killAfter of [1, 8]) {
    it(`a rat run killed (SIGKILL) after ${killAfter} commit(s) on its run branch leaves the target as it was; a rerun succeeds`, async () => {
      const branch = `kill-${killAfter}`;
      const main = await mgmt.getReference('main');
      const start: Reference = await mgmt.createReference(branch, 'BRANCH', main);
      const known = new Set((await mgmt.listReferences()).map((r) => r.name));
      const dir = shopCopy();
      const child = spawn(process.execPath, [RAT_BIN, 'run', '--branch', branch, '--server', server.url], {
        cwd: dir,
        stdio: 'ignore',
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      let done = false;
      void exited.then(() => (done = true));
      // Wait (polling, no deadline but the test's) until the run has written `killAfter` commits to its branch.
      let killed = false;
      while (!done) {
        const runRef = (await mgmt.listReferences()).find(
          (r) => r.name.startsWith(RUN_BRANCH_PREFIX) && !known.has(r.name),
        );
        if (runRef && (await commitsSince(runRef.name, start.hash).catch(() => 0)) >= killAfter) {
          killed = child.kill('SIGKILL');
          break;
        }
        await sleep(20);
      }
      const exit = await exited;
      assert.ok(killed, `the run ended before it could be killed (exit ${exit.code})`);
      assert.equal(exit.signal, 'SIGKILL');
      assert.equal((await mgmt.getReference(branch)).hash, start.hash);

      const r = await rat(dir, ['run', '--branch', branch, '--server', server.url]);
      assert.equal(r.code, 0, r.out);
      assert.notEqual((await mgmt.getReference(branch)).hash, start.hash);
      assert.equal(await count(branch, 'SELECT count(*) AS n FROM gold.daily_revenue'), 2);
    });
  }

  it('ingests an Excel workbook (.xlsx): typed columns, rejects counted, registry skips it the second time', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-xlsx-'));
    dirs.push(dir);
    mkdirSync(path.join(dir, 'landing'));
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('sales');
    ws.addRow(['sale_id', 'region', 'amount', 'sold_on']);
    ws.addRow([1, 'north', 10.5, new Date(Date.UTC(2024, 2, 1))]);
    ws.addRow([2, 'south', 20.25, new Date(Date.UTC(2024, 2, 2))]);
    ws.addRow([3, 'east', 'n/a', new Date(Date.UTC(2024, 2, 3))]);
    await wb.xlsx.writeFile(path.join(dir, 'landing', 'sales.xlsx'));

    const main = await mgmt.getReference('main');
    await mgmt.createReference('xlsx', 'BRANCH', main);
    const eng = await openEngine({ server: server.url, branch: 'xlsx' });
    try {
      const opts = {
        baseDir: dir,
        options: { sheet: 'sales' },
        columns: { sale_id: 'BIGINT', amount: 'DECIMAL(10,2)', sold_on: 'TIMESTAMP' },
      };
      const r = await eng.ingest('landing/*.xlsx', 'bronze.sales', opts);
      assert.equal(r.rows, 2);
      assert.equal(r.rejected, 1);
      const rows = await eng.query(
        'SELECT sale_id, region, CAST(amount AS VARCHAR) AS amount, CAST(sold_on AS DATE)::VARCHAR AS d FROM bronze.sales ORDER BY sale_id',
      );
      assert.deepEqual(
        rows.map((x) => [Number(x.sale_id), x.region, x.amount, x.d]),
        [
          [1, 'north', '10.50', '2024-03-01'],
          [2, 'south', '20.25', '2024-03-02'],
        ],
      );
      const [rej] = await eng.query('SELECT count(*) AS n FROM bronze.sales_rejected');
      assert.equal(Number(rej!.n), 1);
      const again = await eng.ingest('landing/*.xlsx', 'bronze.sales', opts);
      assert.deepEqual(
        again.files.map((f) => f.status),
        ['skipped'],
      );
    } finally {
      await eng.close();
    }
  });
});
