/**
 * `GET /api/v2/rat/lineage` over HTTP against a real server, after the engine ran `examples/shop` on a branch: every
 * model's table with the tables it read (as its SQL's refs say), the tables that read it, its landing path, run and
 * code commit; an empty reference; errors; a table whose metadata is gone.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IcebergRestClient, ManagementClient, type Lineage } from '@ratatouille/catalog-client';
import { loadProject, runPipeline, type Project } from '@ratatouille/engine';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { runRat } from './support/rat-cli.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHA = 'b'.repeat(40);

describe("table lineage: which models wrote a reference's tables, from what (real engine, real server)", function () {
  this.timeout(600_000);
  let server: TestServer;
  let mgmt: ManagementClient;
  let project: Project;
  let runId = '';
  const dirs: string[] = [];

  before(async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rat-lineage-data-'));
    const shop = mkdtempSync(path.join(os.tmpdir(), 'rat-lineage-shop-'));
    dirs.push(dataDir, shop);
    cpSync(path.join(root, 'examples', 'shop'), shop, { recursive: true });
    server = await startTestServer({ dataDir });
    mgmt = new ManagementClient({ server: server.url });
    await mgmt.createReference('lin', 'BRANCH', await mgmt.getReference('main'));
    project = loadProject(shop);
    const report = await runPipeline({ project, server: server.url, branch: 'lin', codeCommit: SHA });
    assert.equal(report.status, 'success', JSON.stringify(report.error ?? report.tests.filter((t) => !t.passed)));
    runId = report.runId;
  });
  after(async () => {
    await server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const node = (l: Lineage, key: string) => {
    const n = l.tables.find((t) => t.key === key);
    assert.ok(n, `${key} not in ${l.tables.map((t) => t.key).join(', ')}`);
    return n;
  };

  it("lists every model's table with the tables its SQL refers to, and who reads it", async () => {
    const l = await mgmt.lineage('lin');
    assert.equal(l.hash, (await mgmt.getReference('lin')).hash);
    assert.equal(l.truncated, false);
    assert.deepEqual(l.unreadable, []);
    for (const m of project.models.values()) {
      const n = node(l, m.id);
      assert.equal(n.model, m.id);
      assert.equal(n.modelFile, m.file);
      const refs = [...new Set(m.refs.map((r) => r.target))].filter((t) => t !== m.id).sort();
      assert.deepEqual(n.inputs, refs, m.id);
      assert.equal(n.runId, runId);
      assert.equal(n.codeCommit, SHA);
      assert.equal(n.codeDirty, false);
      for (const input of n.inputs) assert.ok(node(l, input).readBy.includes(m.id), `${input} is read by ${m.id}`);
      if (m.kind === 'source') assert.deepEqual(n.otherInputs, [m.source.path]);
    }
    assert.deepEqual(node(l, 'silver.orders').readBy, ['gold.fct_orders']);
    assert.deepEqual(node(l, 'gold.fct_orders').readBy, ['gold.daily_revenue']);
    // Tables the engine writes besides its models (run records, the file registry, quarantine) name no model.
    assert.ok(
      l.tables.every((t) => t.model !== null || t.readBy.length > 0),
      JSON.stringify(l.tables.filter((t) => t.model === null)),
    );
    assert.ok(!l.tables.some((t) => t.key.startsWith('_rat.')), JSON.stringify(l.tables.map((t) => [t.key, t.model])));
    const orders = await new IcebergRestClient({ server: server.url, ref: 'lin' }).loadTable({
      namespace: ['silver'],
      name: 'orders',
    });
    const current = orders!.metadata.snapshots.find(
      (s) => s['snapshot-id'] === orders!.metadata['current-snapshot-id'],
    );
    assert.equal(node(l, 'silver.orders').snapshotId, String(current!['snapshot-id']));
    assert.equal(node(l, 'silver.orders').writtenAt, current!['timestamp-ms']);
  });

  it('a reference without model tables has an empty lineage; a pinned commit reads as it was', async () => {
    const main = await mgmt.lineage('main');
    assert.deepEqual([main.tables, main.truncated], [[], false]);
    const pinned = await mgmt.lineage(`lin@${(await mgmt.getReference('main')).hash}`);
    assert.deepEqual(pinned.tables, []);
  });

  it('refuses a missing reference (404) and a missing ref parameter (400)', async () => {
    const missing = await http('GET', `${server.url}/api/v2/rat/lineage?ref=nope`);
    assert.equal(missing.status, 404);
    assert.equal((missing.body as { errorCode: string }).errorCode, 'REFERENCE_NOT_FOUND');
    const bad = await http('GET', `${server.url}/api/v2/rat/lineage`);
    assert.equal(bad.status, 400);
  });

  it('rat lineage prints each table with what it reads and what reads it', async () => {
    const r = await runRat(root, ['lineage', '--ref', 'lin', '--server', server.url]);
    assert.equal(r.code, 0, r.out);
    assert.match(
      r.out,
      /^silver\.orders {2}silver\/orders\.sql {2}run \S+ code b{12}\n {2}reads {4}bronze\.orders\n {2}read by {2}gold\.fct_orders\n/m,
    );
    assert.match(
      r.out,
      /^bronze\.orders {2}bronze\/orders\.yml {2}run \S+ code b{12}\n {2}from {5}landing\/orders\/\*\.csv\n/m,
    );
    const one = await runRat(root, ['lineage', 'gold.fct_orders', '--ref', 'lin', '--server', server.url]);
    assert.equal(one.code, 0, one.out);
    // Upstream and downstream, transitively: bronze.orders → silver.orders → gold.fct_orders → gold.daily_revenue.
    assert.deepEqual(
      one.out
        .split('\n')
        .filter((line) => /^\S/.test(line))
        .map((line) => line.split(' ')[0]),
      ['bronze.orders', 'silver.orders', 'gold.fct_orders', 'gold.daily_revenue'],
    );
    const json = JSON.parse((await runRat(root, ['lineage', '--ref', 'lin', '--json', '--server', server.url])).stdout);
    assert.deepEqual(json, await mgmt.lineage('lin'));
    const mermaid = await runRat(root, [
      'lineage',
      'silver.orders',
      '--ref',
      'lin',
      '--format',
      'mermaid',
      '--server',
      server.url,
    ]);
    assert.equal(mermaid.code, 0, mermaid.out);
    assert.match(mermaid.stdout, /^flowchart LR\n/);
    assert.match(mermaid.stdout, /l0\(\["landing\/orders\/\*\.csv"\]\)/);
    assert.equal(mermaid.stdout.split('\n').filter((l) => l.includes('-->')).length, 4);
    const none = await runRat(root, ['lineage', 'silver.nope', '--ref', 'lin', '--server', server.url]);
    assert.equal(none.code, 1, none.out);
    assert.match(none.out, /silver\.nope is not in the lineage of lin/);
  });

  it('a table whose metadata file is gone is listed as unreadable, not a failure', async () => {
    const orders = await mgmt.getContent('lin', { elements: ['silver', 'orders'] });
    assert.ok(orders?.type === 'ICEBERG_TABLE');
    const location = orders.metadataLocation;
    await server.stop();
    rmSync(fileURLToPath(String(location)));
    server = await startTestServer({ dataDir: dirs[0] });
    mgmt = new ManagementClient({ server: server.url });
    const l = await mgmt.lineage('lin');
    assert.deepEqual(l.unreadable, ['silver.orders']);
    assert.equal(node(l, 'silver.orders').model, null);
    assert.deepEqual(node(l, 'silver.orders').readBy, ['gold.fct_orders']);
    assert.deepEqual(node(l, 'silver.orders').inputs, [], 'its own inputs are unknown');
  });
});
