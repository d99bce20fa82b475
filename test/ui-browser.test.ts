import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadProject, runPipeline } from '@ratatouille/engine';
import { ensureChromium } from './support/browser.ts';
import { ensurePythonVenv, runChecked } from './support/clients/index.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { putUdf, udfMetadata, writeWarehouseJson } from './support/udf.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Screenshots of each page, linked from docs/ui.md. */
const SHOTS = process.env.RAT_UI_SCREENSHOTS ?? path.join(ROOT, 'docs', 'ui');
const PY = path.join(ROOT, 'test', 'clients', 'ui_pyiceberg.py');

interface PyRows {
  rows: Array<{ id: number; name: string | null; amount: number | null }>;
  snapshot?: string;
}

/**
 * The web UI in headless Chromium (Debian's package, driven by playwright-core) against a real server, with the data
 * written by PyIceberg: create a branch, find PyIceberg's commit in the graph with its change summary, diff, merge
 * with a preview, and a table page whose schema and preview rows match what PyIceberg reads.
 */
describe('web UI in a real browser', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let python: string;

  const py = async (ref: string, action: string): Promise<PyRows> =>
    JSON.parse((await runChecked(python, [PY, `${server.url}/iceberg/${encodeURIComponent(ref)}`, action])).stdout);
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  before(async () => {
    const [executablePath, venv] = await Promise.all([ensureChromium(), ensurePythonVenv()]);
    python = venv.python;
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(15_000);
    await py('main', 'seed');
  });
  const dirs: string[] = [];
  after(async () => {
    await browser?.close();
    await server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('creates a branch on the branches page', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('row').filter({ hasText: 'main' }).first().waitFor();
    await page.getByLabel('New reference name').fill('feature');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('status').filter({ hasText: 'Created branch feature' }).waitFor();
    const row = page.locator('[data-ref="feature"]');
    await row.getByText('0 ahead').waitFor();
    await page.getByLabel('Filter references').fill('feat');
    await page.locator('.refrow[data-ref="main"]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('.refrow').count(), 1);
    await page.getByLabel('Filter references').fill('');
    await shot('branches');
  });

  it("shows PyIceberg's commit in the graph, and its table change summary", async () => {
    const feature = await py('feature', 'feature');
    assert.deepEqual(
      feature.rows.map((r) => r.id),
      [1, 3, 4, 5],
    );
    await page.goto(`${server.url}/history/feature`);
    const appended = page.getByRole('listitem').filter({ hasText: 'append to shop.orders' }).first();
    await appended.waitFor();
    assert.equal(await page.getByRole('listitem').filter({ hasText: 'overwrite shop.orders' }).count(), 1);
    await shot('history');
    await appended.getByRole('link', { name: 'append to shop.orders' }).click();
    const change = page.locator('.table-change[data-table="shop.orders"]');
    await change.locator('.summary').getByText('+2 rows').waitFor();
    assert.match(await change.locator('.summary').innerText(), /1 snapshot, \+2 rows −0 rows, \+1 \/ −0 data files/);
    await shot('commit');
  });

  it("finds the commits that changed a table on a branch's history, by message and date, with the server's log filter", async () => {
    await page.goto(`${server.url}/history/feature`);
    await page.getByText('Find commits').click();
    await page.getByLabel('Changed table or namespace').fill('shop.orders');
    await page.getByLabel('Message matches').fill('^overwrite');
    await page.getByRole('button', { name: 'Find' }).click();
    const results = page.getByRole('list', { name: 'Matching commits' });
    await page.getByRole('status').filter({ hasText: '1 matching commit on feature' }).waitFor();
    assert.deepEqual(await results.getByRole('link').allInnerTexts(), ['overwrite shop.orders']);
    await shot('history-search');
    // Every change of the table, newest first: each result changed it.
    await page.getByLabel('Message matches').fill('');
    await page.getByRole('button', { name: 'Find' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^[2-9] matching commits on feature$/ })
      .waitFor();
    const messages = await results.getByRole('link').allInnerTexts();
    assert.equal(messages[0], 'overwrite shop.orders');
    assert.ok(
      messages.every((m) => m.includes('shop.orders')),
      messages.join(' | '),
    );
    // Nothing was committed after tomorrow.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Since').fill(tomorrow);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('status').filter({ hasText: '0 matching commits on feature' }).waitFor();
  });

  it('diffs two refs with the table change inside', async () => {
    await page.goto(`${server.url}/diff?from=main&to=feature`);
    const change = page.locator('.table-change[data-table="shop.orders"]');
    await change.locator('.summary').waitFor();
    // feature = main + append of 2 rows + PyIceberg's delete of one row (rewritten as an overwrite).
    assert.match(await change.locator('.summary').innerText(), /^2 snapshots, \+\d+ rows −\d+ rows/);
    assert.equal(await change.locator('table.snapshots tbody tr').count(), 2);
    await shot('diff');
  });

  it("shows the rows a table's change added and removed between two refs", async () => {
    await page.goto(`${server.url}/diff?from=main&to=feature`);
    const rows = page.locator('.row-changes[data-table="shop.orders"]');
    await rows.getByRole('button', { name: 'Show row changes' }).click();
    const summary = rows.locator('.row-summary .counts');
    await summary.waitFor();
    // main holds ids 1 (apple), 2 (pear), 3 (fig); feature appended 4 (kiwi), 5 (plum) and deleted 2. Without
    // identifier fields rows are compared whole, so nothing pairs into a change.
    assert.equal(await summary.innerText(), '2 added · 1 removed · 0 changed (rows compared whole)');
    assert.deepEqual(await rows.locator('table.added-rows thead th').allInnerTexts(), [
      'id long',
      'name string',
      'amount double',
    ]);
    assert.deepEqual(await rows.locator('table.added-rows tbody tr').allInnerTexts(), ['4\tkiwi\t4', '5\tplum\t0.5']);
    assert.deepEqual(await rows.locator('table.removed-rows tbody tr').allInnerTexts(), ['2\tpear\t2.25']);
    assert.equal(await rows.locator('table.changed-rows').count(), 0);
    // Paired by a column the user picks: the same rows, now counted by id (pear's id is gone, kiwi's and plum's new).
    await rows.getByLabel('pair rows by').selectOption({ label: 'id' });
    await rows.locator('.row-summary .counts').filter({ hasText: '(by id)' }).waitFor();
    assert.equal(await summary.innerText(), '2 added · 1 removed · 0 changed (by id)');
    await shot('diff-rows');
  });

  it('merges with a dry-run preview, then for real', async () => {
    await page.goto(`${server.url}/merge?from=feature&into=main`);
    await page.getByRole('button', { name: 'Preview merge' }).click();
    const key = page.locator('tr.merge-key').filter({ hasText: 'shop.orders' });
    await key.getByText('taken from source').waitFor();
    await page.getByText('2 commits to bring over').waitFor();
    // What the merge brings, row by row: the same rows as the diff page's.
    const rows = page.locator('.merge-preview .row-changes[data-table="shop.orders"]');
    await rows.getByRole('button', { name: 'Show row changes' }).click();
    const counts = rows.locator('.row-summary .counts');
    await counts.waitFor();
    assert.equal(await counts.innerText(), '2 added · 1 removed · 0 changed (rows compared whole)');
    await shot('merge-preview');
    const before: any = await (await fetch(`${server.url}/api/v2/trees/main`)).json();
    await page.getByRole('button', { name: 'Merge feature into main' }).click();
    await page.getByRole('status').filter({ hasText: 'Merged into main' }).waitFor();
    const after: any = await (await fetch(`${server.url}/api/v2/trees/main`)).json();
    assert.notEqual(after.reference.hash, before.reference.hash);
    const main = await py('main', 'read');
    assert.deepEqual(
      main.rows.map((r) => r.id),
      [1, 3, 4, 5],
      'PyIceberg reads the merged rows on main',
    );
    await shot('merge-done');
    // The merge commit opens a second lane for the branch's commits, which joins main's line where they forked.
    await page.goto(`${server.url}/history/main`);
    const mergeRow = page.getByRole('listitem').filter({ hasText: 'Merge feature into main' });
    await mergeRow.waitFor();
    assert.equal(await mergeRow.locator('svg path').count(), 2, 'lines to both parents');
    const appendRow = page.getByRole('listitem').filter({ hasText: 'append to shop.orders' }).first();
    assert.ok(Number(await appendRow.locator('svg').getAttribute('width')) > 20, 'two lanes wide');
    await shot('history-merge');
  });

  it("shows a conflict's reason and the catalog's kind for it in the merge preview", async () => {
    const api = (method: string, url: string, body?: unknown) =>
      fetch(`${server.url}${url}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json().catch(() => undefined)) as any }));
    const main = (await api('GET', '/api/v2/trees/main')).body.reference;
    for (const [branch, owner] of [
      ['left', 'sales'],
      ['right', 'finance'],
    ]) {
      assert.equal((await api('POST', `/api/v2/trees?name=${branch}&type=BRANCH`, main)).status, 200);
      const set = await api('POST', `/iceberg/${branch}/v1/namespaces/shop/properties`, { updates: { owner } });
      assert.equal(set.status, 200, JSON.stringify(set.body));
    }
    const left = (await api('GET', '/api/v2/trees/left')).body.reference.hash;
    const merged = await api('POST', `/api/v2/trees/main@${main.hash}/history/merge`, {
      fromRefName: 'left',
      fromHash: left,
    });
    assert.equal(merged.status, 200, JSON.stringify(merged.body));
    await page.goto(`${server.url}/merge?from=right&into=main`);
    await page.getByRole('button', { name: 'Preview merge' }).click();
    const key = page.locator('tr.merge-key').filter({ hasText: 'shop' });
    await key.getByText('conflict', { exact: true }).waitFor();
    assert.equal(await key.locator('.conflict-kinds').innerText(), ' (namespace-changed-on-both-sides)');
  });

  it("shows a table's schema and previews the rows PyIceberg reads", async () => {
    const main = await py('main', 'read');
    await page.goto(`${server.url}/tables/main`);
    await page.getByRole('link', { name: /orders/ }).click();
    const schema = page.locator('table.schema tbody tr');
    await schema.first().waitFor();
    assert.deepEqual(await schema.allInnerTexts(), [
      '1\tid\tlong\trequired\t',
      '2\tname\tstring\toptional\t',
      '3\tamount\tdouble\toptional\t',
    ]);
    assert.equal(await page.locator('code.current-snapshot').innerText(), main.snapshot, 'the 64-bit id stays exact');
    const cells = page.locator('table.preview tbody tr');
    await cells.first().waitFor();
    const shown = (await cells.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    )) as string[][];
    const asRows = shown
      .map(([id, name, amount]) => ({
        id: Number(id),
        name: name === 'null' ? null : name,
        amount: amount === 'null' ? null : Number(amount),
      }))
      .sort((a, b) => a.id - b.id);
    assert.deepEqual(asRows, main.rows);
    await shot('table');
  });

  it('shows a view PyIceberg created: its SQL in each dialect, the schema it returns and its versions', async () => {
    const created = (await py('main', 'view')) as PyRows & { versionId: number; uuid: string };
    await page.goto(`${server.url}/tables/main`);
    await page.getByRole('link', { name: /big_orders/ }).click();
    const current = page.locator('code.current-version');
    await current.waitFor();
    assert.equal(await current.innerText(), String(created.versionId));
    assert.ok(page.url().startsWith(`${server.url}/views/main/`), page.url());
    await page.getByText(created.uuid).waitFor();
    assert.deepEqual(await page.locator('.view-sql h3').allInnerTexts(), ['spark', 'trino']);
    assert.equal(
      await page.locator('.view-sql pre').first().innerText(),
      'SELECT name, amount\nFROM shop.orders\nWHERE amount > 1',
      "the author's line breaks are kept",
    );
    assert.deepEqual(await page.locator('table.schema tbody tr').allInnerTexts(), [
      '1\tname\tstring\toptional\t',
      '2\tamount\tdouble\toptional\t',
    ]);
    const versions = await page.locator('table.versions tbody tr').allInnerTexts();
    assert.equal(versions.length, 1);
    assert.match(versions[0]!, /pyiceberg 0\.12\.0\tspark, trino\t0$/);
    await shot('view');
    // A view that is not there (or not on this ref) says so instead of showing an empty page.
    await page.goto(`${server.url}/views/feature/shop.big_orders`);
    assert.match(await page.getByRole('alert').innerText(), /^404 /);
  });

  it("shows a function: each definition's signature, its current SQL and versions, and the definition log", async () => {
    const location = writeWarehouseJson(server.dataDir, 'shop/add_one/metadata/00000.metadata.json', udfMetadata());
    const put = await putUdf(server.url, 'main', ['shop', 'add_one'], { metadataLocation: location });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    await page.goto(`${server.url}/tables/main`);
    await page.getByRole('link', { name: /add_one/ }).click();
    await page.locator('code.signature').first().waitFor();
    assert.ok(page.url().startsWith(`${server.url}/functions/main/`), page.url());
    assert.deepEqual(await page.locator('code.signature').allInnerTexts(), [
      'add_one(x int) → int',
      'add_one(x decimal(9,2)) → decimal(9,2)',
    ]);
    assert.deepEqual(await page.locator('code.current-version').allInnerTexts(), ['1', '2']);
    assert.deepEqual(await page.locator('.view-sql pre').allInnerTexts(), ['x + 1', 'x + 1.00']);
    assert.equal(await page.locator('table.versions').nth(1).locator('tbody tr').count(), 2);
    assert.match(await page.locator('table.definition-log tbody tr').first().innerText(), /int: 1 · decimal\(9,2\): 2/);
    await shot('function');
    // Not on this ref: the page says so.
    await page.goto(`${server.url}/functions/feature/shop.add_one`);
    assert.match(await page.getByRole('alert').innerText(), /^404 /);
  });

  it('lists pipeline runs, a failed one with its kept run branch, and opens it', async () => {
    const shop = mkdtempSync(path.join(os.tmpdir(), 'rat-ui-shop-'));
    dirs.push(shop);
    cpSync(path.join(ROOT, 'examples', 'shop'), shop, { recursive: true });
    const ok = await runPipeline({ project: loadProject(shop), server: server.url, selector: '+silver.products' });
    assert.equal(ok.status, 'success');
    // A data test no product passes: the run fails and its run branch is kept.
    const model = path.join(shop, 'silver', 'products.sql');
    writeFileSync(
      model,
      readFileSync(model, 'utf8').replace(
        '  - unique: product_id\n',
        '  - unique: product_id\n  - sql: { name: no_products, sql: "SELECT * FROM {{ this }}" }\n',
      ),
    );
    const failed = await runPipeline({
      project: loadProject(shop),
      server: server.url,
      selector: '+silver.products',
      storeFailures: true,
    });
    assert.equal(failed.status, 'failed');
    assert.ok(failed.keptRunBranch);

    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Runs' }).click();
    const failedRow = page.locator(`tr.run[data-run="${failed.runId}"]`);
    await failedRow.waitFor();
    assert.equal(await failedRow.locator('.run-status').innerText(), 'failed');
    assert.equal(await failedRow.locator('.run-branch').innerText(), failed.runBranch);
    assert.match(await failedRow.locator('.outcome').innerText(), /silver\.products sql:no_products/);
    const okRow = page.locator(`tr.run[data-run="${ok.runId}"]`);
    assert.equal(await okRow.locator('.run-status').innerText(), 'success');
    assert.equal(await okRow.locator('.run-branch').count(), 0, 'a merged run keeps no branch');
    assert.equal(await page.locator('tr.run').count(), 2);
    await shot('runs');

    await failedRow.getByRole('link', { name: failed.runId, exact: true }).click();
    const detail = page.locator('.run-detail');
    await detail.locator('table.failures').waitFor();
    const failure = detail.locator('table.failures tbody tr');
    assert.equal(await failure.count(), 1);
    const [, test, rows] = await failure.locator('td').allInnerTexts();
    const expected = failed.tests.find((t) => !t.passed)!;
    assert.equal(test, expected.test);
    assert.equal(rows, `${expected.failingRows} all in dbt_test__audit.no_products`);
    assert.ok(expected.failingRows > 0);
    // All its failing rows, stored on the kept run branch (dbt's store_failures).
    assert.equal(
      await failure.getByRole('link', { name: 'dbt_test__audit.no_products' }).getAttribute('href'),
      `/tables/${failed.runBranch}/dbt_test__audit.no_products`,
    );
    assert.deepEqual(
      await detail.locator('table.steps tbody tr td:first-child').allInnerTexts(),
      failed.steps.map((s) => s.step),
    );
    assert.equal(await detail.locator('.run-branch').innerText(), failed.runBranch);
    await shot('run');
  });

  it('lists every run of a branch, more than one page of the preview endpoint holds', async () => {
    const written = (await py('main', 'many-runs')) as PyRows & { count: number };
    assert.equal(written.count, 1101, '1,100 copies and the successful run');
    await page.goto(`${server.url}/runs/main`);
    await page.locator('tr.run[data-run="bulk-1-0549"]').waitFor();
    // 1,101 records on main (read 500 at a time) and the failed run's on its kept branch.
    assert.equal(await page.locator('tr.run').count(), 1102);
    assert.match(await page.locator('section > p.muted').first().innerText(), /^1102 runs$/);
  });

  it("reverts PyIceberg's delete on its branch from the commit page, with a preview; a second revert is a conflict", async () => {
    await page.goto(`${server.url}/history/feature`);
    const overwrite = page.getByRole('listitem').filter({ hasText: 'overwrite shop.orders' }).first();
    await overwrite.getByRole('link', { name: 'overwrite shop.orders' }).click();
    const revert = page.locator('[data-test="revert"]');
    await revert.getByRole('button', { name: 'Preview revert' }).click();
    await revert.locator('li.revert-key').filter({ hasText: 'restore shop.orders' }).waitFor();
    const before: any = await (await fetch(`${server.url}/api/v2/trees/feature`)).json();
    await revert.getByRole('button', { name: 'Revert on feature' }).click();
    await revert.getByRole('status').filter({ hasText: 'Reverted on feature at' }).waitFor();
    const after: any = await (await fetch(`${server.url}/api/v2/trees/feature`)).json();
    assert.notEqual(after.reference.hash, before.reference.hash);
    assert.deepEqual(
      (await py('feature', 'read')).rows.map((r) => r.id),
      [1, 2, 3, 4, 5],
      'PyIceberg reads the deleted row again',
    );
    await shot('commit-revert');
    // The same commit again: the table changed since (the revert itself), so nothing is reverted.
    await revert.getByRole('button', { name: 'Preview revert' }).click();
    await revert
      .locator('li.revert-conflict')
      .filter({ hasText: 'shop.orders changed again after this commit' })
      .waitFor();
    assert.equal(await revert.getByRole('button', { name: 'Revert on feature' }).isDisabled(), true);
  });

  it("copies feature's revert onto main from the commit page, with a preview, and PyIceberg reads it there", async () => {
    // The page the revert linked to: its new commit on feature.
    await page.goto(`${server.url}/history/feature`);
    await page
      .getByRole('listitem')
      .filter({ hasText: 'Revert "overwrite shop.orders"' })
      .getByRole('link')
      .first()
      .click();
    const pick = page.locator('[data-test="cherry-pick"]');
    // The message's first line is the title, the rest its body; the table went back a snapshot.
    assert.equal(await page.locator('h1.commit-message').innerText(), 'Revert "overwrite shop.orders"');
    assert.match(await page.locator('pre.commit-body').innerText(), /^This reverts commit [0-9a-f]{64}\.$/);
    await page
      .locator('.table-change[data-table="shop.orders"] .lost')
      .filter({ hasText: '1 snapshot rolled back (overwrite)' })
      .waitFor();
    assert.equal(await pick.getByLabel('Target branch').inputValue(), 'main', 'the default branch is suggested');
    await pick.getByRole('button', { name: 'Preview copy' }).click();
    await pick.locator('li.pick-key').filter({ hasText: 'shop.orders' }).waitFor();
    const before: any = await (await fetch(`${server.url}/api/v2/trees/main`)).json();
    await pick.getByRole('button', { name: 'Copy onto main' }).click();
    await pick.getByRole('status').filter({ hasText: 'Copied onto main at' }).waitFor();
    const log: any = await (await fetch(`${server.url}/api/v2/trees/main/history?max-records=1`)).json();
    assert.deepEqual(log.logEntries[0].commitMeta.parentCommitHashes, [before.reference.hash]);
    assert.match(log.logEntries[0].commitMeta.message, /^Revert "overwrite shop\.orders"/);
    assert.deepEqual(
      (await py('main', 'read')).rows.map((r) => r.id),
      [1, 2, 3, 4, 5],
      'main reads the row feature restored',
    );
    await shot('commit-cherry-pick');
    // The same commit again: main holds its change already, so nothing is committed and the page says so.
    const head = (await (await fetch(`${server.url}/api/v2/trees/main`)).json()) as any;
    await pick.getByRole('button', { name: 'Preview copy' }).click();
    await pick.getByRole('button', { name: 'Copy onto main' }).click();
    await pick.getByRole('status').filter({ hasText: 'nothing to copy' }).waitFor();
    const after = (await (await fetch(`${server.url}/api/v2/trees/main`)).json()) as any;
    assert.equal(after.reference.hash, head.reference.hash, 'no empty commit on main');
    // A branch that does not exist is said so, and nothing is copied.
    await pick.getByLabel('Target branch').fill('nope');
    await pick.getByRole('button', { name: 'Preview copy' }).click();
    await pick.getByRole('alert').filter({ hasText: '404' }).waitFor();
  });
});
